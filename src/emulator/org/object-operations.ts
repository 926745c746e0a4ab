// Objects Salesforce will not write through the API (Organization cannot be inserted, a
// RecordType or a User cannot be deleted...): their describe says createable, updateable or
// deletable false, and every write path (REST, collections, composite, Bulk, SOAP) is refused
// the same way, per record.

import { ApiError, type ObjectDef } from '../model/index.js'

export type WriteOperation = 'insert' | 'update' | 'delete'

/**
 * Throws Salesforce's refusal when `obj` does not support `operation`: 400
 * INVALID_TYPE_FOR_OPERATION, "entity type UserLicense does not support insert" (the answer a
 * real org gives to POST /sobjects/UserLicense).
 */
export function requireOperation(obj: ObjectDef, operation: WriteOperation): void {
  const allowed =
    operation === 'insert'
      ? obj.createable
      : operation === 'update'
        ? obj.updateable
        : obj.deletable
  if (allowed === false) {
    throw new ApiError(
      400,
      'INVALID_TYPE_FOR_OPERATION',
      `entity type ${obj.name} does not support ${operation}`,
    )
  }
}
