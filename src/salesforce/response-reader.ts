// Reads a successful answer as the caller asked (json, text, buffer) and flattens headers.

import { header, utf8Text } from './http-transport.js'
import type { RequestOptions } from './requester.js'
import { isJsonContentType, shortText } from './api-error-from-response.js'
import { SalesforceError } from './salesforce-error.js'
import type { Answer } from './pipeline/index.js'

export function flatHeaders(headers: Answer['headers']): Record<string, string> {
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

/** The body of `answer` as `type` asks: parsed JSON (the default), text, or bytes. */
export function readBody<T>(
  answer: Answer,
  type: RequestOptions['responseType'],
  ctx: { connection: string; method: string; path: string },
): T {
  const body = answer.body
  // A copy: the bytes received may share memory with the rest of the socket's read.
  if (type === 'buffer') return Buffer.from(body ?? []) as T
  const text = body ? utf8Text(body) : ''
  if (type === 'text') return text as T
  if (text.length === 0) return undefined as T
  if (!isJsonContentType(header(answer, 'content-type')) && !/^\s*[[{"]/.test(text)) {
    return text as T
  }
  try {
    return JSON.parse(text) as T
  } catch (cause) {
    throw new SalesforceError(
      'NON_JSON_RESPONSE',
      `connection '${ctx.connection}': ${ctx.method} ${ctx.path} answered HTTP ${answer.status} with a body that is not valid JSON: "${shortText(text)}"`,
      { connection: ctx.connection, cause },
    )
  }
}
