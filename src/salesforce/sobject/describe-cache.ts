// Caches `GET /sobjects/{Type}/describe` per API version and object: fresh for a TTL, then
// revalidated with If-Modified-Since (a 304 keeps the cached copy, salesforce-api.md §2.2).
// Failures are never cached; concurrent callers share one request.

import { ForcebridgeError } from '../../util/index.js'
import type { Requester } from '../requester.js'

/** The parts of a describe result most callers use; every other key is kept as sent. */
export interface DescribeSObjectResult {
  name: string
  label: string
  keyPrefix: string | null
  createable: boolean
  updateable: boolean
  deletable: boolean
  queryable: boolean
  fields: DescribeField[]
  childRelationships?: Array<Record<string, unknown>>
  recordTypeInfos?: Array<Record<string, unknown>>
  [key: string]: unknown
}

export interface DescribeField {
  name: string
  label: string
  type: string
  nillable: boolean
  createable: boolean
  updateable: boolean
  externalId?: boolean
  referenceTo?: string[]
  picklistValues?: Array<{
    active: boolean
    value: string
    label: string | null
    defaultValue: boolean
  }>
  [key: string]: unknown
}

export interface DescribeCacheOptions {
  /** How long a describe is used without asking Salesforce. Default 10 minutes. */
  ttlMs?: number
  /** Clock, for tests. Default Date.now. */
  now?: () => number
}

interface Entry {
  value: DescribeSObjectResult
  /** Sent back as If-Modified-Since: Last-Modified when Salesforce sent one, else the fetch time. */
  validator: string
  freshUntil: number
}

export class DescribeCache {
  private readonly ttlMs: number
  private readonly now: () => number
  private readonly entries = new Map<string, Entry>()
  private readonly inFlight = new Map<string, Promise<DescribeSObjectResult>>()

  constructor(options: DescribeCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000
    this.now = options.now ?? Date.now
  }

  /** The describe of `name`; `force` skips the TTL (still revalidates with If-Modified-Since). */
  get(
    requester: Requester,
    name: string,
    options: { force?: boolean } = {},
  ): Promise<DescribeSObjectResult> {
    const key = `${requester.apiVersion}:${name.toLowerCase()}`
    const entry = this.entries.get(key)
    if (entry && !options.force && entry.freshUntil > this.now())
      return Promise.resolve(entry.value)
    const running = this.inFlight.get(key)
    if (running) return running
    const started = this.load(requester, key, name, entry).finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, started)
    return started
  }

  /** Forgets one object's describe, or all of them. */
  clear(name?: string): void {
    if (name === undefined) this.entries.clear()
    else
      for (const key of [...this.entries.keys()])
        if (key.endsWith(`:${name.toLowerCase()}`)) this.entries.delete(key)
  }

  private async load(
    requester: Requester,
    key: string,
    name: string,
    entry: Entry | undefined,
  ): Promise<DescribeSObjectResult> {
    const fetchedAt = this.now()
    const res = await requester.request<DescribeSObjectResult | undefined>({
      method: 'GET',
      path: `sobjects/${encodeURIComponent(name)}/describe`,
      headers: entry ? { 'If-Modified-Since': entry.validator } : {},
      acceptStatuses: [304],
    })
    if (res.status === 304 && entry) {
      entry.freshUntil = fetchedAt + this.ttlMs
      return entry.value
    }
    if (!res.body || res.status === 304) {
      // 304 without a cached copy cannot happen unless the server is confused; do not cache it.
      throw new ForcebridgeError(
        'UNEXPECTED_RESPONSE',
        `describe ${name}: Salesforce answered ${res.status} without a describe body; try again`,
      )
    }
    const lastModified = headerValue(res.headers, 'last-modified')
    this.entries.set(key, {
      value: res.body,
      validator: lastModified ?? new Date(fetchedAt).toUTCString(),
      freshUntil: fetchedAt + this.ttlMs,
    })
    return res.body
  }
}

export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v
  return undefined
}
