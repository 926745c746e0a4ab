// One mapping from failures to admin API answers `{ error: { code, message } }`. Codes are the
// ForcebridgeError codes of the store and runtime, so callers match on `code`.
import { z } from 'zod'
import { ForcebridgeError } from '../util/index.js'

export interface AdminErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] }
}

const STATUS: Record<string, number> = {
  UNAUTHORIZED: 401,
  CSRF_REJECTED: 403,
  SIGN_IN_RATE_LIMITED: 429,
  QUEUE_NOT_CONFIGURED: 501,
  SCHEDULER_NOT_CONFIGURED: 501,
  JOB_NOT_RETRYABLE: 409,
  SECURITY_IN_USE: 409,
  SERVICE_TIMEOUT: 504,
  CONNECTION_INACTIVE: 503,
  CONNECTION_UNUSABLE: 503,
}

// The client's error classes, by name: admin does not import the client (ARCHITECTURE.md).
const SALESFORCE_ERRORS = new Set(['SalesforceError', 'SalesforceApiError', 'LoginError'])

/** HTTP status of an error code: 404 for *_NOT_FOUND, 409 for *_EXISTS, 400 for INVALID_*. */
export function statusOf(code: string): number {
  const fixed = STATUS[code]
  if (fixed) return fixed
  if (code.endsWith('_NOT_FOUND')) return 404
  if (code.endsWith('_EXISTS')) return 409
  if (code.startsWith('INVALID_')) return 400
  if (code.startsWith('LOGIN_') || code.startsWith('SALESFORCE_')) return 502
  return 500
}

/** Turns a thrown value into the status and body the admin API answers with. */
export function adminErrorOf(err: unknown): { status: number; body: AdminErrorBody } {
  if (err instanceof z.ZodError) {
    const issues = err.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
    }))
    const message = `invalid request: ${issues.map((i) => `${i.path || '(body)'} ${i.message}`).join('; ')}`
    return { status: 400, body: { error: { code: 'INVALID_REQUEST', message, issues } } }
  }
  if (err instanceof ForcebridgeError && SALESFORCE_ERRORS.has(err.name)) {
    // Salesforce (or its login host) refused: the admin's request itself was fine.
    return { status: 502, body: { error: { code: err.code, message: err.message } } }
  }
  if (err instanceof ForcebridgeError) {
    const body: AdminErrorBody = { error: { code: err.code, message: err.message } }
    const issues = (err as { issues?: unknown }).issues
    if (Array.isArray(issues)) body.error.issues = issues as { path: string; message: string }[]
    return { status: statusOf(err.code), body }
  }
  const status = (err as { statusCode?: unknown }).statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own refusals: malformed JSON, unsupported media type, body too large.
    const message = err instanceof Error ? err.message : 'bad request'
    return { status, body: { error: { code: 'BAD_REQUEST', message } } }
  }
  return {
    status: 500,
    body: {
      error: { code: 'INTERNAL_ERROR', message: 'the admin API failed; see the server log' },
    },
  }
}

export function adminError(code: string, message: string): ForcebridgeError {
  return new ForcebridgeError(code, message)
}
