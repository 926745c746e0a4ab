// Where a call goes: the path rule of ARCHITECTURE.md on the token's instance_url.

import { SalesforceError } from './salesforce-error.js'
import type { RequestOptions } from './requester.js'

export interface Instance {
  origin: string
  /** Path prefix of instance_url, usually '' (Experience Cloud URLs may carry one). */
  prefix: string
}

/** The path without its query string, which may hold data (never in errors or events). */
export function pathOnly(path: string): string {
  const q = path.indexOf('?')
  return q === -1 ? path : path.slice(0, q)
}

export function parseInstance(instanceUrl: string): Instance {
  const url = new URL(instanceUrl)
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') }
}

/**
 * `/services/...` as is; anything else under `/services/data/vNN.N/`; a full URL only on the
 * instance origin (so a nextRecordsUrl works, and a token never goes to another host).
 */
export function resolvePath(
  connection: string,
  instance: Instance,
  dataPrefix: string,
  o: RequestOptions,
): string {
  let path = o.path
  if (path.startsWith('/services/')) {
    path = instance.prefix + path
  } else if (/^https?:\/\//i.test(path)) {
    const url = new URL(path)
    if (url.origin !== instance.origin) {
      throw new SalesforceError(
        'INVALID_PATH',
        `connection '${connection}': ${o.method} ${url.origin}${url.pathname} is not on the instance ${instance.origin}; the token is only sent to the instance, pass a path instead`,
        { connection },
      )
    }
    path = url.pathname + url.search
  } else {
    path = instance.prefix + dataPrefix + (path.charCodeAt(0) === 47 ? path.slice(1) : path)
  }
  if (o.query) {
    let sep = path.includes('?') ? '&' : '?'
    for (const key in o.query) {
      const value = o.query[key]
      if (value === undefined) continue
      path += `${sep}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`
      sep = '&'
    }
  }
  return path
}
