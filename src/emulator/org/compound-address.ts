// Compound address fields (BillingAddress, MailingAddress, Address, ...): read-only values
// Salesforce builds from their component fields, answered as one JSON object.

import type { ObjectDef } from '../model/index.js'

const PARTS = [
  ['street', 'Street'],
  ['city', 'City'],
  ['state', 'State'],
  ['postalCode', 'PostalCode'],
  ['country', 'Country'],
  ['latitude', 'Latitude'],
  ['longitude', 'Longitude'],
  ['geocodeAccuracy', 'GeocodeAccuracy'],
] as const

/** Sets each address field of `row` from its components; null when they are all empty. */
export function applyCompoundAddresses(obj: ObjectDef, row: Record<string, unknown>): void {
  for (const f of obj.fields) {
    if (f.type !== 'address') continue
    const prefix = f.name.replace(/Address$/, '')
    const value: Record<string, unknown> = {}
    let any = false
    for (const [key, suffix] of PARTS) {
      const v = row[prefix + suffix] ?? null
      if (v !== null) any = true
      value[key] = v
    }
    // State and country codes exist only with state and country picklists, which are off.
    value.stateCode = null
    value.countryCode = null
    row[f.name] = any ? sortKeys(value) : null
  }
}

/** Salesforce answers an address's keys in alphabetical order. */
function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
}
