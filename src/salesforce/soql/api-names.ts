// Checks on API names and record ids before they go into a URL path or a query, so a typo
// fails here with a clear message instead of reaching Salesforce as a different resource.

import { ForcebridgeError } from '../../util/index.js'

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/
// 15-character case-sensitive or 18-character ids, base-62 (salesforce-api.md §2.6).
const ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/

export function checkName(what: string, name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `${what} ${JSON.stringify(name)} is not a valid Salesforce API name`,
    )
  }
  return name
}

export function checkId(what: string, id: string): string {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `${what}: ${JSON.stringify(id)} is not a 15- or 18-character record id`,
    )
  }
  return id
}

export function checkFields(
  what: string,
  fields: readonly string[] | undefined,
): string | undefined {
  if (fields === undefined) return undefined
  if (fields.length === 0)
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `${what}: fields is empty; leave it out for all fields`,
    )
  for (const f of fields) {
    if (typeof f !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/.test(f)) {
      throw new ForcebridgeError(
        'INVALID_INPUT',
        `${what}: ${JSON.stringify(f)} is not a valid field name`,
      )
    }
  }
  return fields.join(',')
}
