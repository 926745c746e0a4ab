// Calls to custom Apex REST classes under `/services/apexrest/` (the path a class declares with
// @RestResource(urlMapping=...)); the namespace prefix, if any, is part of the path.

import { ForcebridgeError } from '../../util/index.js'
import type { RequestOptions, Requester, RetryPolicy } from '../requester.js'

export interface ApexCallOptions {
  query?: Record<string, string | number | boolean | undefined>
  headers?: Record<string, string>
  /** 'always' when the Apex method is idempotent; default 'auto' (see RetryPolicy). */
  retry?: RetryPolicy
  timeoutMs?: number
  signal?: AbortSignal
}

/** @example await apex.post('/Orders/v1/', { orderId }) */
export class Apex {
  constructor(private readonly requester: Requester) {}

  private async call<T>(
    method: RequestOptions['method'],
    path: string,
    body: unknown,
    options: ApexCallOptions,
  ): Promise<T> {
    if (typeof path !== 'string' || path === '' || path.includes('..') || /^[a-z]+:/i.test(path)) {
      throw new ForcebridgeError(
        'INVALID_INPUT',
        `apex: ${JSON.stringify(path)} is not a path under /services/apexrest/`,
      )
    }
    const request: RequestOptions = {
      method,
      path: `/services/apexrest/${path.replace(/^\/+/, '').replace(/^services\/apexrest\//, '')}`,
      ...options,
    }
    if (body !== undefined) request.body = body
    const res = await this.requester.request<T>(request)
    return res.body
  }

  get<T = unknown>(path: string, options: ApexCallOptions = {}): Promise<T> {
    return this.call<T>('GET', path, undefined, options)
  }
  post<T = unknown>(path: string, body?: unknown, options: ApexCallOptions = {}): Promise<T> {
    return this.call<T>('POST', path, body, options)
  }
  patch<T = unknown>(path: string, body?: unknown, options: ApexCallOptions = {}): Promise<T> {
    return this.call<T>('PATCH', path, body, options)
  }
  put<T = unknown>(path: string, body?: unknown, options: ApexCallOptions = {}): Promise<T> {
    return this.call<T>('PUT', path, body, options)
  }
  delete<T = unknown>(path: string, options: ApexCallOptions = {}): Promise<T> {
    return this.call<T>('DELETE', path, undefined, options)
  }
}
