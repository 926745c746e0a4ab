// A Salesforce data API error as the emulator answers it: an HTTP status and one or
// more `{message, errorCode, fields}` entries (the body is always a JSON array).

export interface ApiErrorEntry {
  message: string
  errorCode: string
  fields?: string[]
}

export class ApiError extends Error {
  readonly status: number
  readonly errors: ApiErrorEntry[]

  constructor(status: number, errorCode: string, message: string, fields?: string[]) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.errors = [fields === undefined ? { message, errorCode } : { message, errorCode, fields }]
  }

  get errorCode(): string {
    return this.errors[0]?.errorCode ?? 'UNKNOWN_EXCEPTION'
  }

  /** The body Salesforce sends: a JSON array of errors. */
  toBody(): ApiErrorEntry[] {
    return this.errors
  }
}
