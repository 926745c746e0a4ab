// The Salesforce client: one call (`request`) with login, token reuse, the instance_url,
// retries, limits, redirects, timeouts and typed errors; get/post/patch/put/delete on top.

import { EventEmitter } from 'node:events'
import type { HttpMethod, RequestOptions, Requester, SalesforceResponse } from './requester.js'
import type { ResolvedOptions } from './client-options.js'
import type { ClientEventMap } from './client-events.js'
import type { TokenInfo } from './token-info.js'
import type { LimitInfo } from './limit-info.js'
import type { TokenProvider } from './token-provider.js'
import { LimitTracker } from './limit-tracker.js'
import { HttpTransport } from './http-transport.js'
import { flatHeaders, readBody } from './response-reader.js'
import { TokenManager } from './token-manager.js'
import { Call, answerError, isAccepted, requestPipeline } from './pipeline/index.js'
import { pathOnly } from './request-target.js'
import type { Answer, Send } from './pipeline/index.js'
import { SalesforceError } from './salesforce-error.js'
import { revokeToken } from './oauth-revoke.js'
import { DataHelpers } from './client-helpers.js'
import type { QueryIterator, QueryOptions } from './query/index.js'
import type { SObject } from './sobject/index.js'
import { EventsClient } from './events/index.js'

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
  readonly #auth: TokenProvider
  /** The request path: steps around one send (pipeline/request-pipeline.ts). */
  readonly #send: Send
  #helpers: DataHelpers | undefined
  #events: EventsClient | undefined

  constructor(options: ResolvedOptions) {
    super()
    this.#o = options
    this.apiVersion = options.apiVersion
    this.name = options.name
    this.#transport = new HttpTransport(options.timeoutMs)
    this.#limits = new LimitTracker(options.name, options.limitReserve, options.now)
    this.#tokens = new TokenManager(options, this.#transport, (e) => {
      if (this.listenerCount('login') > 0) this.emit('login', e)
      const log = this.#o.logger
      if (log && e.ok) log.info(e, 'salesforce login')
      else if (log) log.warn(e, 'salesforce login failed')
    })
    const tokens = this.#tokens
    this.#auth = Object.freeze({
      peek: () => tokens.peek(),
      // Like token(): a closed client logs in no more.
      current: async () => {
        this.#assertOpen()
        return tokens.current()
      },
      invalidate: (token: TokenInfo | string) => tokens.invalidate(token),
    })
    this.#send = requestPipeline({
      connection: options.name,
      dataPrefix: `/services/data/v${options.apiVersion}/`,
      timeoutMs: options.timeoutMs,
      attemptTimeoutMs: options.attemptTimeoutMs,
      maxConcurrency: options.maxConcurrency,
      maxRelogins: options.maxReloginsPerCall,
      retry: options.retry,
      tokens: this.#tokens,
      limits: this.#limits,
      transport: this.#transport,
      events: this,
      logger: options.logger,
    })
  }

  /**
   * The auth seam: the connection's current token and a way to report one Salesforce refused.
   * Another transport (gRPC for the Pub/Sub API) uses it to share this client's login.
   */
  get auth(): TokenProvider {
    return this.#auth
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

  /**
   * Change Data Capture and platform events over the Pub/Sub API (gRPC), logged in as this
   * client: `client.events.subscribe('/data/AccountChangeEvent')`, `client.events.publish(...)`.
   */
  get events(): EventsClient {
    this.#assertOpen()
    return (this.#events ??= new EventsClient(this.name, this.#auth, {
      ...(this.#o.pubsubEndpoint ? { endpoint: this.#o.pubsubEndpoint } : {}),
    }))
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
    return this.#tokens.current()
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
    this.#events?.close()
    return this.#transport.close(options?.graceMs ?? 5_000)
  }

  /** get/post/...: the body alone, without building the response object around it. */
  async #body<T>(
    method: HttpMethod,
    path: string,
    body: unknown,
    options?: CallOptions,
  ): Promise<T> {
    const call = this.#call(options ? { ...options, method, path, body } : { method, path, body })
    const answer = await this.#send(call)
    return this.#result<T>(call, answer)
  }

  async request<T = unknown>(o: RequestOptions): Promise<SalesforceResponse<T>> {
    const call = this.#call(o)
    const answer = await this.#send(call)
    const body = this.#result<T>(call, answer)
    return { status: answer.status, headers: flatHeaders(answer.headers), body }
  }

  #call(o: RequestOptions): Call {
    this.#assertOpen()
    if (typeof o?.path !== 'string' || typeof o.method !== 'string') {
      throw new SalesforceError(
        'INVALID_REQUEST',
        `connection '${this.name}': request needs a method and a path`,
        { connection: this.name },
      )
    }
    return new Call(this.name, o)
  }

  /** The body of an accepted answer as the call asked for it; the error of any other. */
  #result<T>(call: Call, answer: Answer): T {
    if (!isAccepted(call, answer.status)) throw answerError(call, answer)
    if (answer.stream !== undefined) return answer.stream as T
    return readBody<T>(answer, call.options.responseType, {
      connection: this.name,
      method: call.method,
      path: pathOnly(call.path),
    })
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
