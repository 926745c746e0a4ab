// Per-record errors as sObject Collections, sObject Tree and Bulk API 2.0 report them:
// `{statusCode, message, fields}`. Salesforce uses `statusCode` here where the top-level
// error bodies of the data API use `errorCode` (salesforce-api.md §0).

import { ApiError } from '../model/index.js'

export interface RecordError {
  statusCode: string
  message: string
  fields: string[]
}

/**
 * The record errors for a failed write. Only ApiError (a refusal Salesforce would give) is
 * turned into record errors; anything else is a bug in the emulator and is rethrown.
 */
export function toRecordErrors(err: unknown): RecordError[] {
  if (!(err instanceof ApiError)) throw err
  if (err.status === 300) {
    // Upsert with several matches: the REST endpoint answers 300, a collection reports the
    // record as failed. The message follows Salesforce's DUPLICATE_EXTERNAL_ID wording.
    return [
      {
        statusCode: 'DUPLICATE_EXTERNAL_ID',
        message: err.message,
        fields: err.errors[0]?.fields ?? [],
      },
    ]
  }
  return err.errors.map((e) => ({
    statusCode: e.errorCode,
    message: e.message,
    fields: e.fields ?? [],
  }))
}

/** The error a record gets when allOrNone rolled back its otherwise good write. */
export const allOrNoneRolledBack: RecordError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message:
    'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
}
