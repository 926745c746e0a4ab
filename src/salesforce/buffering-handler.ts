// An undici dispatch handler that collects a whole answer in memory. Lighter than `request()`
// for the small JSON answers of the data API: no Readable and no async resource per answer.

import type { Dispatcher } from 'undici'

/** Response headers as undici parses them: lower-case names, repeated ones as arrays. */
export type IncomingHttpHeaders = Dispatcher.ResponseData['headers']

/** Something that says when to give up: the call's deadline (pipeline/call-deadline.ts). */
export interface AbortSource {
  readonly aborted: boolean
  watch(watcher: { onAbort(): void }): void
  unwatch(watcher: { onAbort(): void }): void
}

export interface BufferedAnswer {
  statusCode: number
  headers: IncomingHttpHeaders
  /** The body as received (still compressed if the server compressed it). */
  body: Buffer
}

const EMPTY = Buffer.alloc(0)
const NO_HEADERS: IncomingHttpHeaders = Object.freeze({})

export class BufferingHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined
  private statusCode = 0
  private headers = NO_HEADERS
  private chunks: Buffer[] | undefined
  private first: Buffer | undefined
  private length = 0
  private settled = false

  constructor(
    private readonly signal: AbortSource,
    private readonly resolve: (answer: BufferedAnswer) => void,
    private readonly reject: (err: Error) => void,
  ) {
    signal.watch(this)
  }

  /** The deadline passed or the caller aborted. */
  onAbort(): void {
    const reason = new Error('aborted')
    this.controller?.abort(reason)
    // Settle now even while the request still waits for a connection: the deadline holds.
    this.fail(reason)
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.signal.aborted) controller.abort(new Error('aborted'))
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.statusCode = statusCode
    this.headers = headers
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // Most answers arrive in one chunk: keep it as is and build a list only for the second.
    this.length += chunk.length
    if (this.first === undefined) this.first = chunk
    else (this.chunks ??= [this.first]).push(chunk)
  }

  onResponseEnd(): void {
    if (this.settled) return
    this.settled = true
    this.signal.unwatch(this)
    const body = this.chunks ? Buffer.concat(this.chunks, this.length) : (this.first ?? EMPTY)
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body })
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.fail(err)
  }

  private fail(err: Error): void {
    if (this.settled) return
    this.settled = true
    this.signal.unwatch(this)
    this.reject(err)
  }
}
