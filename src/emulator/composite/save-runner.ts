// Runs a list of record writes the way sObject Collections do: each record on its own, or
// (allOrNone) all in one transaction that is rolled back when any record fails.

import type { OrgWriter, SaveResult } from '../model/index.js'
import { allOrNoneRolledBack, toRecordErrors, type RecordError } from './record-error.js'

export type SaveOutcome =
  { ok: true; id: string; created?: boolean } | { ok: false; id?: string; errors: RecordError[] }

/** Thrown inside the transaction only to make OrgWriter undo the writes. */
class RollBack extends Error {}

function attempt(write: () => SaveResult, knownId: string | undefined): SaveOutcome {
  try {
    const result = write()
    return result.created === undefined
      ? { ok: true, id: result.id }
      : { ok: true, id: result.id, created: result.created }
  } catch (err) {
    const errors = toRecordErrors(err)
    return knownId === undefined ? { ok: false, errors } : { ok: false, id: knownId, errors }
  }
}

export interface PlannedWrite {
  /** The id to report on failure (update and delete know it; create does not). */
  id?: string
  write: () => SaveResult
}

/**
 * Runs every write in order. With allOrNone, a failure rolls every write back: the failing
 * records keep their own errors and the others get ALL_OR_NONE_OPERATION_ROLLED_BACK
 * (Salesforce's sObject Collections behaviour, salesforce-api.md §4.4).
 */
export function runWrites(
  org: OrgWriter,
  writes: PlannedWrite[],
  allOrNone: boolean,
): SaveOutcome[] {
  if (!allOrNone) return writes.map((w) => attempt(w.write, w.id))
  let outcomes: SaveOutcome[] = []
  try {
    org.transaction(() => {
      outcomes = writes.map((w) => attempt(w.write, w.id))
      if (outcomes.some((o) => !o.ok)) throw new RollBack()
    })
    return outcomes
  } catch (err) {
    if (!(err instanceof RollBack)) throw err
  }
  // A rolled-back insert has no id any more; updates and deletes still name their record.
  return outcomes.map((o, i) => {
    if (!o.ok) return o
    const id = writes[i]?.id
    return id === undefined
      ? { ok: false, errors: [allOrNoneRolledBack] }
      : { ok: false, id, errors: [allOrNoneRolledBack] }
  })
}

/** The SaveResult JSON of a collection answer. */
export function saveResultJson(
  outcome: SaveOutcome,
  withCreated: boolean,
): Record<string, unknown> {
  if (outcome.ok) {
    const json: Record<string, unknown> = { id: outcome.id, success: true, errors: [] }
    if (withCreated) json.created = outcome.created ?? false
    return json
  }
  const json: Record<string, unknown> = {}
  if (outcome.id !== undefined) json.id = outcome.id
  json.success = false
  json.errors = outcome.errors
  // UpsertResult's `created` is a boolean Salesforce always sends: false when nothing was
  // created, a failed record included ([C: SOAP API UpsertResult]).
  if (withCreated) json.created = false
  return json
}
