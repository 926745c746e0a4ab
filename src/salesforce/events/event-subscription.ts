// A subscription as an async iterable: flow control (events held plus events asked and not yet
// received never exceed batchSize, so no more than batchSize events wait in memory; room is
// asked for again as the consumer takes events, so the stream never idles between batches), each
// event decoded with its own schema id, and a stream that comes back by itself: after
// UNAVAILABLE or a drop with backoff, after an auth error with one new token, resuming after
// the last event handed to the consumer (no loss, no duplicate).

import type { ClientDuplexStream, ServiceError } from '@grpc/grpc-js'
import type { TokenInfo } from '../token-info.js'
import type { TokenProvider } from '../token-provider.js'
import type { SchemaCache } from './avro-codec.js'
import { SalesforceError } from '../salesforce-error.js'
import { PubSubError, isTransient } from './pubsub-error.js'
import { decodeEvent, type PubSubEvent } from './pubsub-event.js'
import {
  callMetadata,
  type ConsumerEventMessage,
  type FetchRequestMessage,
  type FetchResponseMessage,
  type PubSubStub,
} from './pubsub-stub.js'

/** Where a subscription starts: new events only, everything retained, or after a stored id. */
export type ReplayFrom = 'latest' | 'earliest' | { after: Uint8Array }

export interface SubscribeOptions {
  /** Default 'latest'. `{ after }` resumes after a replay id stored from `event.replayId`. */
  replay?: ReplayFrom
  /** Events asked at a time, and the most held in memory (1 to 100). Default 100. */
  batchSize?: number
  reconnect?: {
    /** Base of the exponential backoff (full jitter). Default 200 ms. */
    baseDelayMs?: number
    /** Cap of one delay. Default 30,000 ms. */
    maxDelayMs?: number
    /** Reconnects in a row without an answer before the iteration fails. Default 10. */
    maxAttempts?: number
  }
  /** Ends the iteration (as `close()`). */
  signal?: AbortSignal
  /** Told when the stream opens, reconnects (with the error that ended it) or closes. */
  onStatus?: (status: SubscriptionStatus) => void
}

export interface SubscriptionStatus {
  state: 'open' | 'reconnecting' | 'closed'
  /** Reconnects in a row so far. */
  attempt: number
  error?: Error
}

export interface SubscriptionDeps {
  connection: string
  stub: () => PubSubStub
  auth: TokenProvider
  schemas: SchemaCache
}

type Stream = ClientDuplexStream<FetchRequestMessage, FetchResponseMessage>

function optionError(connection: string, option: string, expected: string): SalesforceError {
  return new SalesforceError(
    'INVALID_OPTIONS',
    `connection '${connection}': subscribe option '${option}' must be ${expected}`,
    { connection },
  )
}

export class EventSubscription implements AsyncIterableIterator<PubSubEvent> {
  readonly topic: string
  readonly #deps: SubscriptionDeps
  readonly #batchSize: number
  readonly #base: number
  readonly #maxDelay: number
  readonly #maxAttempts: number
  readonly #onStatus: SubscribeOptions['onStatus']
  /** The resume point: a preset until an event was handed out, then after that event. */
  #preset: 'LATEST' | 'EARLIEST' | 'CUSTOM'
  #after: Buffer | undefined
  #buffer: ConsumerEventMessage[] = []
  #outstanding = 0
  #call: Stream | undefined
  #token: TokenInfo | undefined
  #started = false
  #closed = false
  #failure: Error | undefined
  #attempt = 0
  #authFailures = 0
  #timer: NodeJS.Timeout | undefined
  /** Callers of next() waiting for an event (usually one: a for-await loop). */
  #waiting: (() => void)[] = []
  #reconnects = 0
  /** The stream whose opening was announced to onStatus. */
  #announced: Stream | undefined

  constructor(topic: string, deps: SubscriptionDeps, options: SubscribeOptions = {}) {
    this.topic = topic
    this.#deps = deps
    const batch = options.batchSize ?? 100
    if (!Number.isInteger(batch) || batch < 1 || batch > 100)
      throw optionError(deps.connection, 'batchSize', 'a whole number from 1 to 100')
    this.#batchSize = batch
    this.#base = options.reconnect?.baseDelayMs ?? 200
    this.#maxDelay = options.reconnect?.maxDelayMs ?? 30_000
    this.#maxAttempts = options.reconnect?.maxAttempts ?? 10
    this.#onStatus = options.onStatus
    const replay = options.replay ?? 'latest'
    if (replay === 'latest') this.#preset = 'LATEST'
    else if (replay === 'earliest') this.#preset = 'EARLIEST'
    else if (typeof replay === 'object' && replay.after instanceof Uint8Array) {
      this.#preset = 'CUSTOM'
      this.#after = Buffer.from(replay.after)
    } else throw optionError(deps.connection, 'replay', "'latest', 'earliest' or { after: bytes }")
    options.signal?.addEventListener('abort', () => this.close(), { once: true })
  }

  /** The replay id to resume after (the last event handed out), or undefined before any. */
  get replayId(): Buffer | undefined {
    return this.#preset === 'CUSTOM' ? this.#after : undefined
  }

  /** Events received and not yet handed out (never more than batchSize). */
  get buffered(): number {
    return this.#buffer.length
  }

  /** Streams opened again after a failure, in all. */
  get reconnects(): number {
    return this.#reconnects
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  async next(): Promise<IteratorResult<PubSubEvent>> {
    if (!this.#started) {
      this.#started = true
      void this.#connect()
    }
    for (;;) {
      if (this.#closed) return { done: true, value: undefined }
      const head = this.#buffer[0]
      if (head) {
        let type: Awaited<ReturnType<SchemaCache['get']>>
        try {
          type = await this.#deps.schemas.get(head.event.schema_id)
        } catch (err) {
          // Without its schema the event cannot be read; stop rather than skip it.
          this.close()
          throw err
        }
        // A reconnect while the schema came cleared the buffer: the new stream sends it again.
        if (this.#buffer[0] !== head) continue
        this.#buffer.shift()
        this.#preset = 'CUSTOM'
        this.#after = head.replay_id
        this.#askMore()
        return { done: false, value: decodeEvent(this.topic, head, type) }
      }
      if (this.#failure) {
        const failure = this.#failure
        this.close()
        throw failure
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve))
    }
  }

  /** Stops the stream; a pending next() ends the iteration. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearTimeout(this.#timer)
    const call = this.#call
    this.#call = undefined
    call?.cancel()
    this.#buffer = []
    this.#notify()
    this.#onStatus?.({ state: 'closed', attempt: this.#attempt })
  }

  return(): Promise<IteratorResult<PubSubEvent>> {
    this.close()
    return Promise.resolve({ done: true, value: undefined })
  }

  #notify(): void {
    for (const wake of this.#waiting.splice(0)) wake()
  }

  /**
   * Ask for the room the consumer has made, keeping held + outstanding ≤ batchSize (the
   * promise: never more in memory than asked). Asking once half a batch is free, rather than
   * after the whole batch was taken, keeps events flowing while the consumer works on what it
   * holds: waiting for an empty buffer costs a round trip per batch, which under load is
   * where the lag came from.
   */
  #askMore(): void {
    if (!this.#call) return
    const room = this.#batchSize - this.#buffer.length - this.#outstanding
    if (room < Math.max(1, this.#batchSize >> 1)) return
    this.#outstanding += room
    this.#call.write({ num_requested: room })
  }

  async #connect(): Promise<void> {
    if (this.#closed) return
    let token: TokenInfo
    try {
      token = await this.#deps.auth.current()
    } catch (err) {
      return this.#retry(err instanceof Error ? err : new Error(String(err)))
    }
    if (this.#closed) return
    this.#token = token
    // Events received and not handed out are dropped: the new stream resumes after the last
    // one handed out, so they come again.
    this.#buffer = []
    this.#outstanding = this.#batchSize
    const call = this.#deps.stub().Subscribe(callMetadata(token))
    this.#call = call
    call.on('data', (res: FetchResponseMessage) => this.#onData(call, res))
    call.on('error', (err: ServiceError) => this.#onEnd(call, err))
    call.on('end', () => this.#onEnd(call, undefined))
    call.write({
      topic_name: this.topic,
      replay_preset: this.#preset,
      ...(this.#preset === 'CUSTOM' ? { replay_id: this.#after } : {}),
      num_requested: this.#batchSize,
    })
  }

  #onData(call: Stream, res: FetchResponseMessage): void {
    if (call !== this.#call) return
    if (this.#announced !== call) {
      this.#announced = call
      this.#onStatus?.({ state: 'open', attempt: this.#attempt })
    }
    this.#attempt = 0
    this.#authFailures = 0
    const n = res.events.length
    this.#outstanding = Math.max(0, this.#outstanding - n)
    if (n > 0) {
      for (const e of res.events) this.#buffer.push(e)
    } else if (this.#buffer.length === 0 && this.#outstanding > 0 && res.latest_replay_id.length) {
      // A keepalive while everything asked for is outstanding: nothing waits before the
      // latest replay id, so a reconnect may resume after it.
      this.#preset = 'CUSTOM'
      this.#after = res.latest_replay_id
    }
    this.#notify()
  }

  #onEnd(call: Stream, err: ServiceError | undefined): void {
    if (call !== this.#call || this.#closed) return
    this.#call = undefined
    call.cancel()
    if (!err) {
      // The server ended the stream without an error: open it again.
      return this.#retry(new Error(`the Pub/Sub stream on ${this.topic} ended`))
    }
    const error = new PubSubError(this.#deps.connection, err, this.topic)
    if (error.isAuthError) {
      // One new token per refusal in a row; a second refusal with a fresh token is final.
      if (++this.#authFailures > 1) return this.#fail(error)
      const token = this.#token
      this.#onStatus?.({ state: 'reconnecting', attempt: this.#attempt, error })
      this.#reconnects++
      void (token ? this.#deps.auth.invalidate(token) : Promise.resolve()).then(
        () => this.#connect(),
        (e: unknown) => this.#fail(e instanceof Error ? e : error),
      )
      return
    }
    if (isTransient(err.code)) return this.#retry(error)
    this.#fail(error)
  }

  #retry(error: Error): void {
    if (this.#closed) return
    if (++this.#attempt > this.#maxAttempts) return this.#fail(error)
    this.#onStatus?.({ state: 'reconnecting', attempt: this.#attempt, error })
    this.#reconnects++
    const cap = Math.min(this.#maxDelay, this.#base * 2 ** (this.#attempt - 1))
    this.#timer = setTimeout(() => void this.#connect(), Math.random() * cap)
  }

  #fail(error: Error): void {
    this.#failure = error
    this.#notify()
  }
}
