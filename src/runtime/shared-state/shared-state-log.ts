// The few log calls the shared state makes (a pino logger fits): one warning when a node falls
// back to its own memory, one line when the shared backend is back.

export interface SharedStateLog {
  warn(details: object, message: string): void
  info(details: object, message: string): void
}
