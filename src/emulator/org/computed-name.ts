// The Name that Salesforce computes rather than takes: a person's FirstName + LastName, and
// a custom object record saved without a Name.
import type { ObjectDef } from '../model/index.js'

const PERSON_OBJECTS = new Set(['Contact', 'Lead', 'User'])

export function applyComputedName(obj: ObjectDef, row: Record<string, unknown>): void {
  if (PERSON_OBJECTS.has(obj.name)) {
    row.Name =
      [row.FirstName, row.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ') ||
      null
  }
  // [B] A custom object record saved without a Name shows its id as the Name.
  if (obj.custom && (row.Name === null || row.Name === undefined)) row.Name = row.Id
}
