// The typed per-record outcome shared by sObject Collections and Bulk API 2.0. Salesforce writes
// record-level errors with `statusCode` (not `errorCode`, salesforce-api.md §0 and §4.4).

/** One error on one record; `code` is Salesforce's statusCode (e.g. REQUIRED_FIELD_MISSING). */
export interface RecordError {
  code: string
  message: string
  fields: string[]
}

export interface RecordResult {
  id?: string
  success: boolean
  /** Set by upserts: true when the record was created, false when an existing one was updated. */
  created?: boolean
  errors: RecordError[]
}

interface RawError {
  statusCode?: string
  errorCode?: string
  message?: string
  fields?: string[]
}

interface RawResult {
  id?: string | null
  success?: boolean
  created?: boolean
  errors?: RawError[]
}

export function toRecordError(raw: RawError): RecordError {
  return {
    code: raw.statusCode ?? raw.errorCode ?? 'UNKNOWN_ERROR',
    message: raw.message ?? '',
    fields: raw.fields ?? [],
  }
}

export function toRecordResult(raw: RawResult | null | undefined): RecordResult {
  if (!raw || typeof raw !== 'object') {
    return {
      success: false,
      errors: [
        { code: 'NO_RESULT', message: 'Salesforce returned no result for this record', fields: [] },
      ],
    }
  }
  const out: RecordResult = {
    success: raw.success === true,
    errors: (raw.errors ?? []).map(toRecordError),
  }
  if (raw.id) out.id = raw.id
  if (typeof raw.created === 'boolean') out.created = raw.created
  return out
}

/** The same failure for every record of a request that failed as a whole. */
export function failedResult(code: string, message: string): RecordResult {
  return { success: false, errors: [{ code, message, fields: [] }] }
}

/** A stable code from any thrown error (SalesforceApiError's errorCode, ForcebridgeError's code). */
export function codeOf(err: unknown): string {
  const e = err as { errorCode?: unknown; code?: unknown } | null
  if (e && typeof e.errorCode === 'string') return e.errorCode
  if (e && typeof e.code === 'string') return e.code
  return 'REQUEST_FAILED'
}
