// The base error of forcebridge and its code type: our codes come from the catalogue, and the
// Salesforce client may also carry Salesforce's own codes, marked as such.
import type { ErrorCode } from './error-catalogue.js'

/**
 * A code not chosen here: Salesforce's (`INVALID_FIELD`, `HTTP_404`...), a service's own, or one
 * passed on from a cause. Made by `foreignCode`, so a mistyped literal of ours still fails to compile.
 */
export type ForeignCode = string & { readonly __foreign: true }

/** Marks a code as Salesforce's own, so it may be given where an ErrorCode is due. */
export function foreignCode(code: string): ForeignCode {
  return code as ForeignCode
}

/** The cause's code when it has one, else ours. */
export function foreignCodeOr(
  code: string | undefined,
  fallback: ErrorCode,
): ErrorCode | ForeignCode {
  return code ? foreignCode(code) : fallback
}

/**
 * Who raised the error: forcebridge itself, or the Salesforce client on Salesforce's behalf
 * (`salesforce-login` for a failed login). The status of an answer depends on it (errorAnswer).
 */
export type ErrorSource = 'forcebridge' | 'salesforce' | 'salesforce-login'

/**
 * The one base error of forcebridge. Every failure a caller may want to handle has a
 * stable `code` (match on it, never on the message) and a message that says what
 * happened, to what, and what to do next.
 */
export class ForcebridgeError extends Error {
  /** Stable, machine-readable code such as `LOGIN_FAILED` or `INVALID_INPUT`. */
  readonly code: string
  /** The Salesforce client's errors say so; a getter, so logs and inspect show no extra field. */
  get source(): ErrorSource {
    return 'forcebridge'
  }

  constructor(code: ErrorCode | ForeignCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ForcebridgeError'
    this.code = code
  }
}

/** True when `err` is a ForcebridgeError with the given code. */
export function hasCode(err: unknown, code: ErrorCode | ForeignCode): err is ForcebridgeError {
  return err instanceof ForcebridgeError && err.code === code
}
