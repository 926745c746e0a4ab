// The text of a JSON value as it appears in a URL, a CSV cell or an external id: empty for
// null, JSON for objects and arrays, the plain form of strings, numbers and booleans.

export function scalarText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return value.toString()
  }
  return JSON.stringify(value) ?? ''
}
