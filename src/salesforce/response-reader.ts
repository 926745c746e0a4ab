// Reads a successful answer as the caller asked (json, text, buffer) and flattens headers.

import { header, readBuffer, readText } from './http-transport.js'
import type { RawResponse } from './http-transport.js'
import type { RequestOptions } from './requester.js'
import { isJsonContentType, shortText } from './api-error-from-response.js'
import { SalesforceError } from './salesforce-error.js'

/** The path without its query string, which may hold data (never in errors or events). */
export function pathOnly(path: string): string {
  const q = path.indexOf('?')
  return q === -1 ? path : path.slice(0, q)
}

export function flatHeaders(res: RawResponse): Record<string, string> {
  const headers = res.headers
  for (const k in headers) {
    if (Array.isArray(headers[k])) {
      // Rare (set-cookie): only then build a new object.
      const out: Record<string, string> = {}
      for (const key in headers) {
        const v = headers[key]
        if (v !== undefined) out[key] = Array.isArray(v) ? v.join(', ') : v
      }
      return out
    }
  }
  return headers as Record<string, string>
}

export async function readBody<T>(
  res: RawResponse,
  type: RequestOptions['responseType'],
  ctx: { connection: string; method: string; path: string },
): Promise<T> {
  if (type === 'buffer') return (await readBuffer(res)) as T
  const text = await readText(res)
  if (type === 'text') return text as T
  if (text.length === 0) return undefined as T
  if (!isJsonContentType(header(res, 'content-type')) && !/^\s*[[{"]/.test(text)) return text as T
  try {
    return JSON.parse(text) as T
  } catch (cause) {
    throw new SalesforceError(
      'NON_JSON_RESPONSE',
      `connection '${ctx.connection}': ${ctx.method} ${ctx.path} answered HTTP ${res.statusCode} with a body that is not valid JSON: "${shortText(text)}"`,
      { connection: ctx.connection, cause },
    )
  }
}
