// The Salesforce client: one call (`request`) with login, token reuse, the instance_url,
// retries, limits, redirects, timeouts and typed errors; get/post/patch/put/delete on top.

import { EventEmitter } from 'node:events'
import type {
  HttpMethod,
  RequestOptions,
  Requester,
  RetryPolicy,
  SalesforceResponse,
} from './requester.js'
import type { ResolvedOptions } from './client-options.js'
import type { ClientEventMap, ClientEventName } from './client-events.js'
import type { TokenInfo } from './token-info.js'
import type { LimitInfo } from './limit-info.js'
import { LimitTracker } from './limit-tracker.js'
import { HttpTransport, header, readStream, readText } from './http-transport.js'
import { sendWithRedirects } from './send-with-redirects.js'
import type { AttemptResult } from './send-with-redirects.js'
import { flatHeaders, pathOnly, readBody } from './response-reader.js'
import { TokenManager } from './token-manager.js'
import { Semaphore } from './semaphore.js'
import { CallDeadline } from './call-deadline.js'
import { encodeBody, parseInstance, resolvePath } from './request-target.js'
import type { Instance } from './request-target.js'
import { apiErrorFromResponse } from './api-error-from-response.js'
import {
  backoffDelay,
  mayRetryAnswer,
  mayRetryNetworkError,
  networkErrorCode,
  parseRetryAfter,
} from './retry-policy.js'
import { SalesforceError } from './salesforce-error.js'
import { revokeToken } from './oauth-revoke.js'
import { DataHelpers } from './client-helpers.js'
import type { QueryIterator, QueryOptions } from './query/index.js'
import type { SObject } from './sobject/index.js'

/** Options of get/post/patch/put/delete: everything of RequestOptions but method, path, body. */
export type CallOptions = Omit<RequestOptions, 'method' | 'path' | 'body'>

/**
 * Events (a Node EventEmitter): 'request', 'response', 'login', 'retry', 'limits'. Payloads
 * never hold tokens, secrets, header values or bodies.
 */
export class SalesforceClient extends EventEmitter<ClientEventMap> implements Requester {
  readonly apiVersion: string
  readonly name: string
  readonly #limits: LimitTracker
  readonly #o: ResolvedOptions
  readonly #transport: HttpTransport
  readonly #tokens: TokenManager
  readonly #slots: Semaphore
  readonly #dataPrefix: string
  #instanceFor: TokenInfo | undefined
  #instance: Instance | undefined
  #helpers: DataHelpers | undefined

  constructor(options: ResolvedOptions) {
    super()
    this.#o = options
    this.apiVersion = options.apiVersion
    this.name = options.name
    this.#dataPrefix = `/services/data/v${options.apiVersion}/`
    this.#transport = new HttpTransport(options.timeoutMs)
    this.#slots = new Semaphore(options.maxConcurrency)
    this.#limits = new LimitTracker(options.name, options.limitReserve, options.now)
    this.#tokens = new TokenManager(options, this.#transport, (e) => {
      if (this.listenerCount('login') > 0) this.emit('login', e)
      const log = this.#o.logger
      if (log && e.ok) log.info(e, 'salesforce login')
      else if (log) log.warn(e, 'salesforce login failed')
    })
  }

  /** The latest Sforce-Limit-Info figures, or undefined before the first answer carrying them. */
  get limits(): LimitInfo | undefined {
    return this.#limits.latest
  }

  get<T = unknown>(path: string, options?: CallOptions): Promise<T> {
    return this.#body<T>('GET', path, undefined, options)
  }
  post<T = unknown>(path: string, body?: unknown, options?: CallOptions): Promise<T> {
    return this.#body<T>('POST', path, body, options)
  }
  patch<T = unknown>(path: string, body?: unknown, options?: CallOptions): Promise<T> {
    return this.#body<T>('PATCH', path, body, options)
  }
  put<T = unknown>(path: string, body?: unknown, options?: CallOptions): Promise<T> {
    return this.#body<T>('PUT', path, body, options)
  }
  delete<T = unknown>(path: string, options?: CallOptions): Promise<T> {
    return this.#body<T>('DELETE', path, undefined, options)
  }

  /**
   * The data helpers bound to this client (one describe cache, Collections, Bulk, Apex):
   * `client.data.collections.create(...)`, `client.data.composite(...)`, ...
   */
  get data(): DataHelpers {
    return (this.#helpers ??= new DataHelpers(this))
  }

  /** Rows of one sObject type: `client.sobject('Account').create({ Name: 'Acme' })`. */
  sobject<R extends object = Record<string, unknown>>(name: string): SObject<R> {
    return this.data.sobject<R>(name)
  }

  /** A SOQL query as an async iterable that follows nextRecordsUrl. */
  query<R = Record<string, unknown>>(soql: string, options?: QueryOptions): QueryIterator<R> {
    return this.data.query<R>(soql, options)
  }

  /** Like query, with deleted and archived rows. */
  queryAll<R = Record<string, unknown>>(soql: string, options?: QueryOptions): QueryIterator<R> {
    return this.data.queryAll<R>(soql, options)
  }

  /** Forces a fresh login and returns the token (the CLI `token` command prints it). */
  login(): Promise<TokenInfo> {
    this.#assertOpen()
    return this.#tokens.login()
  }

  /** The current token, logging in if there is none. */
  token(): Promise<TokenInfo> {
    this.#assertOpen()
    return this.#tokens.get()
  }

  /**
   * Revokes the current token at Salesforce (the refresh token too in the refresh token flow,
   * which revokes its access tokens) and forgets it; used when a connection is removed.
   */
  async revoke(): Promise<void> {
    this.#assertOpen()
    const token = this.#tokens.local
    const refresh =
      this.#o.auth.flow === 'refresh_token' ? this.#tokens.currentRefreshToken : undefined
    const target = refresh ?? token?.accessToken
    if (target) await revokeToken(this.#transport, this.#o, target)
    await this.#tokens.clear()
  }

  /**
   * Closes the connection pools; later calls fail with CLIENT_CLOSED. Calls in flight get
   * `graceMs` (default 5,000) to finish, then fail.
   */
  close(options?: { graceMs?: number }): Promise<void> {
    return this.#transport.close(options?.graceMs ?? 5_000)
  }

  async #body<T>(
    method: HttpMethod,
    path: string,
    body: unknown,
    options?: CallOptions,
  ): Promise<T> {
    const res = await this.request<T>(
      options ? { ...options, method, path, body } : { method, path, body },
    )
    return res.body
  }

  async request<T = unknown>(o: RequestOptions): Promise<SalesforceResponse<T>> {
    this.#assertOpen()
    if (typeof o?.path !== 'string' || typeof o.method !== 'string') {
      throw new SalesforceError(
        'INVALID_REQUEST',
        `connection '${this.name}': request needs a method and a path`,
        {
          connection: this.name,
        },
      )
    }
    this.#limits.check(`${o.method} ${pathOnly(o.path)}`)
    const deadline = new CallDeadline(o.timeoutMs ?? this.#o.timeoutMs, o.signal)
    let keepUserAbort = false
    try {
      const res = await this.#run<T>(o, deadline)
      keepUserAbort = o.responseType === 'stream'
      return res
    } catch (err) {
      if (deadline.aborted && !(err instanceof SalesforceError)) {
        throw deadline.abortError(this.name, `${o.method} ${pathOnly(o.path)}`, err)
      }
      throw err
    } finally {
      deadline.dispose(keepUserAbort)
    }
  }

  async #run<T>(o: RequestOptions, deadline: CallDeadline): Promise<SalesforceResponse<T>> {
    const policy: RetryPolicy = o.retry ?? 'auto'
    const { payload, contentType, replayable } = encodeBody(o.body)
    const retry = this.#o.retry
    let attempt = 0
    let relogins = 0
    for (;;) {
      attempt++
      const token = this.#tokens.local ?? (await deadline.race(this.#tokens.get()))
      const instance = this.#instanceOf(token)
      const path = resolvePath(this.name, instance, this.#dataPrefix, o)
      let sent: AttemptResult
      const emitting = this.listenerCount('request') > 0 || this.listenerCount('response') > 0
      const started = emitting ? performance.now() : 0
      if (emitting) this.emit('request', this.#event(o.method, path, attempt))
      const wait = this.#slots.acquire()
      if (wait)
        await deadline.race(wait).catch((e: unknown) => {
          // The slot is handed over even when we stopped waiting: give it back.
          void wait.then(() => this.#slots.release())
          throw e
        })
      let released = false
      const release = () => {
        if (!released) {
          released = true
          this.#slots.release()
        }
      }
      try {
        sent = await sendWithRedirects(this.#transport, {
          method: o.method,
          origin: instance.origin,
          path,
          instanceOrigin: instance.origin,
          accessToken: token.accessToken,
          userHeaders: o.headers,
          contentType,
          body: payload,
          signal: deadline,
          timeoutMs: deadline.timeoutMs,
        })
      } catch (err) {
        release()
        const net = networkErrorCode(err)
        if (
          net &&
          !deadline.aborted &&
          replayable &&
          attempt < retry.maxAttempts &&
          mayRetryNetworkError(o.method, policy)
        ) {
          await this.#backoff(o.method, path, attempt, net, undefined, deadline)
          continue
        }
        if (deadline.aborted)
          throw deadline.abortError(this.name, `${o.method} ${pathOnly(path)}`, err)
        throw new SalesforceError(
          net === 'UND_ERR_HEADERS_TIMEOUT' || net === 'UND_ERR_BODY_TIMEOUT'
            ? 'TIMEOUT'
            : 'NETWORK_ERROR',
          `connection '${this.name}': ${o.method} ${pathOnly(path)} to ${instance.origin} failed (${net ?? (err as Error).message})${attempt > 1 ? ` after ${attempt} attempts` : ''}; check the network and the instance, or retry later`,
          { connection: this.name, cause: err },
        )
      }
      const res = sent.res
      const status = res.statusCode
      const limitHeader = res.headers['sforce-limit-info']
      if (limitHeader !== undefined) {
        const info = this.#limits.update(limitHeader)
        if (info && this.listenerCount('limits') > 0) this.emit('limits', info)
      }
      if (emitting && this.listenerCount('response') > 0) {
        this.emit('response', {
          ...this.#event(o.method, path, attempt),
          status,
          durationMs: performance.now() - started,
        })
      }
      // acceptStatuses: the caller reads 300/304/400 bodies itself (requester.ts); never retried.
      if ((status >= 200 && status < 300) || status === 304 || o.acceptStatuses?.includes(status)) {
        if (o.responseType === 'stream') {
          const stream = readStream(res)
          stream.once('close', release)
          return { status, headers: flatHeaders(res), body: stream as T }
        }
        try {
          return {
            status,
            headers: flatHeaders(res),
            body: await readBody<T>(res, o.responseType, {
              connection: this.name,
              method: o.method,
              path: pathOnly(path),
            }),
          }
        } finally {
          release()
        }
      }
      let text: string
      try {
        text = await readText(res)
      } finally {
        release()
      }
      const error = apiErrorFromResponse(
        { connection: this.name, method: o.method, path: pathOnly(path) },
        status,
        header(res, 'content-type'),
        text,
      )
      // 401 INVALID_SESSION_ID: the token expired or was revoked; one new login, one replay.
      // A 403 (limits, permissions) never logs in again.
      if (
        status === 401 &&
        error.errorCode === 'INVALID_SESSION_ID' &&
        replayable &&
        relogins < this.#o.maxReloginsPerCall
      ) {
        relogins++
        attempt--
        await this.#tokens.invalidate(token)
        continue
      }
      const codes = error.errors.map((e) => e.errorCode ?? e.statusCode ?? '')
      if (
        replayable &&
        attempt < retry.maxAttempts &&
        mayRetryAnswer(o.method, policy, status, codes)
      ) {
        const after = parseRetryAfter(header(res, 'retry-after'), Date.now())
        if (after === undefined || after <= retry.maxDelayMs) {
          await this.#backoff(
            o.method,
            path,
            attempt,
            error.errorCode ?? String(status),
            after,
            deadline,
          )
          continue
        }
      }
      throw error
    }
  }

  async #backoff(
    method: string,
    path: string,
    attempt: number,
    reason: string,
    retryAfterMs: number | undefined,
    deadline: CallDeadline,
  ): Promise<void> {
    const { baseDelayMs, maxDelayMs } = this.#o.retry
    const delayMs = retryAfterMs ?? backoffDelay(attempt, baseDelayMs, maxDelayMs)
    const event = { ...this.#event(method, path, attempt), delayMs, reason }
    if (this.listenerCount('retry') > 0) this.emit('retry', event)
    this.#o.logger?.warn(event, 'salesforce call retried')
    await deadline.sleep(delayMs)
  }

  #event(method: string, path: string, attempt: number) {
    return { connection: this.name, method, path: pathOnly(path), attempt }
  }

  #instanceOf(token: TokenInfo): Instance {
    if (this.#instanceFor !== token || !this.#instance) {
      this.#instance = parseInstance(token.instanceUrl)
      this.#instanceFor = token
    }
    return this.#instance
  }

  #assertOpen(): void {
    if (this.#transport.isClosed) {
      throw new SalesforceError(
        'CLIENT_CLOSED',
        `connection '${this.name}': the client is closed; create a new one`,
        {
          connection: this.name,
        },
      )
    }
  }
}

/** Typed `on`/`off` come from EventEmitter<ClientEventMap>; this names the events. */
export type SalesforceClientEvent = ClientEventName
