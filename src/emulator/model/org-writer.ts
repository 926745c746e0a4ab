// Write access to an emulated org's data, with Salesforce's validation. The REST data
// API, sObject Collections, composite and Bulk API 2.0 all write through this one
// interface, so a record is validated the same way whatever path it came in by.
// Every method is synchronous and throws ApiError when Salesforce would refuse.

import type { OrgReader, RecordRow } from './schema.js'

export interface SaveResult {
  id: string
  /** Only for upsert: true when a record was created. */
  created?: boolean
}

export interface WriteContext {
  /** The 18-character id of the user the session belongs to (CreatedById, OwnerId). */
  userId: string
}

export interface OrgWriter extends OrgReader {
  /** Insert a record; `fields` must not contain Id. */
  create(objectName: string, fields: Record<string, unknown>, ctx: WriteContext): SaveResult
  /** Update a record by id (15 or 18 characters). */
  update(
    objectName: string,
    id: string,
    fields: Record<string, unknown>,
    ctx: WriteContext,
  ): SaveResult
  /**
   * Insert or update by an external id field. Several matches throw ApiError with status 300
   * and the matching ids in `matches` (see MultipleMatchesError).
   */
  upsert(
    objectName: string,
    externalIdField: string,
    value: string,
    fields: Record<string, unknown>,
    ctx: WriteContext,
  ): SaveResult
  /** Move a record to the recycle bin (IsDeleted = true). */
  delete(objectName: string, id: string, ctx: WriteContext): SaveResult
  /** Restore a record from the recycle bin (SOAP and Apex `undelete`). */
  undelete(objectName: string, id: string, ctx: WriteContext): SaveResult
  /** Remove a record for good (Bulk API hardDelete). */
  hardDelete(objectName: string, id: string, ctx: WriteContext): SaveResult
  /**
   * Run `fn` so that every write inside it is undone if it throws (allOrNone).
   * Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T
}

/** Thrown by upsert and get-by-external-id when several records match (HTTP 300). */
export interface MultipleMatches {
  status: 300
  ids: string[]
}

export type { RecordRow }
