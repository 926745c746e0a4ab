// One mapping from failures to admin API answers `{ error: { code, message } }`. Codes are the
// ForcebridgeError codes of the store and runtime, so callers match on `code`; their status comes
// from the error catalogue (src/util/error-catalogue.ts) through errorAnswer.
import { z } from 'zod'
import { errorAnswer, ForcebridgeError, type ErrorCode } from '../util/index.js'

export interface AdminErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] }
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
  const answer = errorAnswer(err, 'admin')
  if (!answer.internal) {
    const body: AdminErrorBody = {
      error: { code: answer.code, message: answer.message ?? 'bad request' },
    }
    const issues =
      err instanceof ForcebridgeError ? (err as { issues?: unknown }).issues : undefined
    if (Array.isArray(issues)) body.error.issues = issues as { path: string; message: string }[]
    return { status: answer.status, body }
  }
  return {
    status: 500,
    body: {
      error: { code: 'INTERNAL_ERROR', message: 'the admin API failed; see the server log' },
    },
  }
}

export function adminError(code: ErrorCode, message: string): ForcebridgeError {
  return new ForcebridgeError(code, message)
}
