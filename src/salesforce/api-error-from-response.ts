// Turns a non-2xx data API answer into a SalesforceApiError (salesforce-api.md §0, §2.5, §7).

import { SalesforceApiError } from './salesforce-error.js'
import type { SalesforceErrorEntry } from './salesforce-error.js'

/** Error codes that mean nothing was written, so any call may be replayed (issue 3). */
const RETRYABLE_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE'])
const RETRYABLE_STATUS = new Set([429, 502, 503, 504])

export interface ErrorContext {
  connection: string
  method: string
  path: string
}

// Every answer of an org carries the same content type: remember the last one read.
let lastContentType: string | undefined
let lastIsJson = false

export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false
  if (contentType !== lastContentType) {
    lastIsJson = /[/+]json\b/i.test(contentType)
    lastContentType = contentType
  }
  return lastIsJson
}

export function apiErrorFromResponse(
  ctx: ErrorContext,
  status: number,
  contentType: string | undefined,
  text: string,
): SalesforceApiError {
  const where = `connection '${ctx.connection}': ${ctx.method} ${ctx.path}`
  let parsed: unknown
  let isJson = false
  if (text.length > 0 && (isJsonContentType(contentType) || /^\s*[[{]/.test(text))) {
    try {
      parsed = JSON.parse(text)
      isJson = true
    } catch {
      isJson = false
    }
  }
  if (!isJson) {
    // An HTML maintenance page or a CDN error: never put the whole page in the message.
    const excerpt = shortText(text)
    const kind = contentType ? contentType.split(';')[0] : 'no content type'
    const message = text.length
      ? `${where} answered HTTP ${status} with a ${kind} body instead of JSON: "${excerpt}"`
      : `${where} answered HTTP ${status} with an empty body`
    const advice =
      status >= 500 ? '; Salesforce may be in maintenance or overloaded, try again later' : ''
    return new SalesforceApiError(
      text.length ? 'NON_JSON_RESPONSE' : `HTTP_${status}`,
      message + advice,
      {
        ...ctx,
        status,
        errors: [{ message: excerpt || `HTTP ${status}` }],
        retryable: RETRYABLE_STATUS.has(status),
      },
    )
  }
  const errors = toEntries(parsed)
  const first = errors[0]
  const errorCode = first?.errorCode ?? first?.statusCode
  const code = errorCode ?? `HTTP_${status}`
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : ''
  const fields = first?.fields?.length ? ` [fields: ${first.fields.join(', ')}]` : ''
  const retryable =
    RETRYABLE_STATUS.has(status) || errors.some((e) => RETRYABLE_CODES.has(e.errorCode ?? ''))
  return new SalesforceApiError(
    code,
    `${where} failed with HTTP ${status} ${code}: ${first?.message ?? 'no message'}${fields}${more}${adviceFor(code)}`,
    { ...ctx, status, errors, retryable },
  )
}

function adviceFor(code: string): string {
  switch (code) {
    case 'REQUEST_LIMIT_EXCEEDED':
      return '; the org is out of API requests (daily or concurrent long requests), wait and check client.limits'
    case 'INVALID_SESSION_ID':
      return '; the session stayed invalid after a fresh login, check the user and the app policies'
    default:
      return ''
  }
}

function toEntries(body: unknown): SalesforceErrorEntry[] {
  const list = Array.isArray(body) ? body : [body]
  const entries: SalesforceErrorEntry[] = []
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue
    const o = item as Record<string, unknown>
    if (typeof o.errorCode === 'string' || typeof o.statusCode === 'string') {
      entries.push({ ...o, message: typeof o.message === 'string' ? o.message : '' })
    } else if (typeof o.error === 'string') {
      // OAuth-style body on a data path.
      const description = typeof o.error_description === 'string' ? o.error_description : o.error
      entries.push({ message: description, errorCode: o.error })
    } else if (typeof o.message === 'string') {
      entries.push({ ...o, message: o.message })
    }
  }
  if (entries.length === 0) entries.push({ message: shortText(JSON.stringify(body) ?? '') })
  return entries
}

/** The page's <title>, else its first 200 characters of text, on one line. */
export function shortText(text: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim()
  const plain = (
    title || text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>|<[^>]+>/gi, ' ')
  )
    .replace(/\s+/g, ' ')
    .trim()
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain
}
