// The one call every higher-level helper (sObject CRUD, query, composite, collections,
// Bulk API 2.0) is built on. The client implements it: login, token reuse, the
// instance_url, retries, limits and errors all happen behind `request`.

import type { Readable } from 'node:stream'

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

/**
 * When a failed call may be sent again.
 * - `'auto'` (default): GET, HEAD, PUT and DELETE are retried after network errors and
 *   429/502/503/504; POST and PATCH only on errors that mean nothing was written
 *   (UNABLE_TO_LOCK_ROW, SERVER_UNAVAILABLE).
 * - `'always'`: the caller says a replay is safe (upsert by external id, idempotent Apex).
 * - `'never'`: no retry at all.
 */
export type RetryPolicy = 'auto' | 'always' | 'never'

export interface RequestOptions {
  method: HttpMethod
  /**
   * A path that starts with `/services/` is used as is (nextRecordsUrl, Apex REST, OAuth);
   * any other path is joined under `/services/data/vNN.N`. Full `https://` URLs are allowed
   * only on the current instance host.
   */
  path: string
  /** Query string parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>
  /**
   * A plain object or array is sent as JSON. A string, Buffer, Uint8Array, Readable or
   * async iterable of chunks is sent as is (set `Content-Type` in headers).
   */
  body?: unknown
  headers?: Record<string, string>
  /** How to read the answer. Default `'json'` (an empty body gives `undefined`). */
  responseType?: 'json' | 'text' | 'stream' | 'buffer'
  /** Per-call timeout in milliseconds (all attempts); default from the client options. */
  timeoutMs?: number
  /** Per-attempt timeout in milliseconds (see ClientOptions.attemptTimeoutMs); default from the client. */
  attemptTimeoutMs?: number
  signal?: AbortSignal
  retry?: RetryPolicy
  /**
   * Non-2xx statuses the caller handles itself: answered as a normal response (body parsed as
   * usual) instead of thrown. Used for 300 (upsert or get by external id matched several rows:
   * the body lists their URLs), 304 (describe not modified) and 400 on composite/tree (the body
   * holds per-record results). Never retried, never a re-login.
   */
  acceptStatuses?: readonly number[]
}

export interface SalesforceResponse<T = unknown> {
  status: number
  headers: Record<string, string>
  /** Parsed as asked by responseType; for `'stream'` a Readable the caller must consume. */
  body: T
}

export interface Requester {
  /** API version in use, e.g. `'66.0'`. */
  readonly apiVersion: string
  /** Sends one call; throws SalesforceApiError (and subclasses) for non-2xx answers. */
  request<T = unknown>(options: RequestOptions): Promise<SalesforceResponse<T>>
}

export type StreamBody = Readable | AsyncIterable<Uint8Array | string>
