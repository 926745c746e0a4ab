// One row of a Bulk ingest job written through the org: the operation's rules for Id and the
// external id, shared by Bulk API 2.0 and 1.0 so both validate a row the same way.

import { scalarText } from '../composite/index.js'
import { ApiError, type OrgWriter, type SaveResult, type WriteContext } from '../model/index.js'

export type BulkWriteOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete'

/** What of a job decides how a row is written. */
export interface WriteSpec {
  operation: BulkWriteOperation
  /** Upsert only; `Id` (or none) upserts by record id. */
  externalIdFieldName: string | null
}

/** Writes one row; throws ApiError with the refusal Salesforce would report for it. */
export function writeRow(
  org: OrgWriter,
  job: WriteSpec,
  objectName: string,
  id: string | undefined,
  fields: Record<string, unknown>,
  user: WriteContext,
): SaveResult {
  const needId = () => {
    if (id === undefined) {
      throw new ApiError(400, 'MISSING_ARGUMENT', `Id not specified in an ${job.operation} call`, [
        'Id',
      ])
    }
    return id
  }
  switch (job.operation) {
    case 'insert':
      if (id !== undefined) {
        throw new ApiError(
          400,
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          'cannot specify Id in an insert call',
          ['Id'],
        )
      }
      return { ...org.create(objectName, fields, user), created: true }
    case 'update':
      return { ...org.update(objectName, needId(), fields, user), created: false }
    case 'delete':
      return { ...org.delete(objectName, needId(), user), created: false }
    case 'hardDelete':
      return { ...org.hardDelete(objectName, needId(), user), created: false }
    case 'upsert': {
      const ext = job.externalIdFieldName ?? 'Id'
      if (ext.toLowerCase() === 'id') {
        return id === undefined
          ? { ...org.create(objectName, fields, user), created: true }
          : { ...org.update(objectName, id, fields, user), created: false }
      }
      const key = Object.keys(fields).find((k) => k.toLowerCase() === ext.toLowerCase())
      const value = key === undefined ? undefined : fields[key]
      if (key === undefined || value === null || value === undefined) {
        throw new ApiError(400, 'MISSING_ARGUMENT', `${ext} not specified`, [ext])
      }
      const rest = { ...fields }
      delete rest[key]
      return org.upsert(objectName, key, scalarText(value), rest, user)
    }
  }
}
