/**
 * The one base error of forcebridge. Every failure a caller may want to handle has a
 * stable `code` (match on it, never on the message) and a message that says what
 * happened, to what, and what to do next.
 */
export class ForcebridgeError extends Error {
  /** Stable, machine-readable code such as `LOGIN_FAILED` or `INVALID_INPUT`. */
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ForcebridgeError'
    this.code = code
  }
}

/** True when `err` is a ForcebridgeError with the given code. */
export function hasCode(err: unknown, code: string): err is ForcebridgeError {
  return err instanceof ForcebridgeError && err.code === code
}
