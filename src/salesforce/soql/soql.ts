// The `soql` tagged template: builds a SOQL string from values without injection, quoting each
// value by SOQL's literal rules (Salesforce SOQL reference, "Quoted String Escape Sequences").

import { ForcebridgeError } from '../../util/index.js'

const brand = Symbol('soql-fragment')

/** Text placed into a query as is: an identifier, a date literal or raw SOQL. */
export class SoqlFragment {
  readonly [brand] = true
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export type SoqlScalar = string | number | bigint | boolean | null | Date | SoqlFragment
export type SoqlValue = SoqlScalar | readonly SoqlScalar[]

// A field or object name, optionally dotted for relationships (Account.Owner.Name). Custom and
// namespaced names (ns__Field__c) fit the same pattern; Salesforce names start with a letter.
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

function invalid(message: string): ForcebridgeError {
  return new ForcebridgeError('INVALID_SOQL_VALUE', message)
}

/** Escapes a string for a single-quoted SOQL literal: \\ ' " \n \r \t \b \f. */
export function escapeSoqlString(value: string): string {
  return value.replace(/[\\'"\n\r\t\b\f]/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n'
      case '\r':
        return '\\r'
      case '\t':
        return '\\t'
      case '\b':
        return '\\b'
      case '\f':
        return '\\f'
      default:
        return `\\${c}`
    }
  })
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value))
    throw invalid(`soql: ${value} is not a finite number; SOQL has no literal for it`)
  if (Number.isInteger(value)) return BigInt(value).toString()
  const text = String(value)
  // SOQL has no exponent notation; 1e-7 must be written out.
  return text.includes('e') ? value.toFixed(20).replace(/0+$/, '') : text
}

function formatScalar(value: unknown, position: number): string {
  if (value instanceof SoqlFragment) return value.text
  if (value === null) return 'null'
  if (typeof value === 'string') return `'${escapeSoqlString(value)}'`
  if (typeof value === 'number') return formatNumber(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) {
    // A datetime literal is unquoted and in UTC: 2024-01-01T00:00:00.000Z.
    if (Number.isNaN(value.getTime())) throw invalid(`soql: value ${position} is an invalid Date`)
    return value.toISOString()
  }
  const kind =
    value === undefined ? 'undefined' : Array.isArray(value) ? 'a nested array' : typeof value
  throw invalid(
    `soql: value ${position} is ${kind}, which has no SOQL literal; pass a string, number, boolean, ` +
      'null, Date, array, soql.date(), soql.identifier() or soql.raw()',
  )
}

function formatValue(value: unknown, position: number): string {
  if (Array.isArray(value)) {
    // `IN ()` is a SOQL syntax error, and an empty list usually means a bug upstream.
    if (value.length === 0)
      throw invalid(`soql: value ${position} is an empty list; SOQL rejects IN ()`)
    return `(${value.map((item: unknown) => formatScalar(item, position)).join(',')})`
  }
  return formatScalar(value, position)
}

function soqlTemplate(strings: TemplateStringsArray, ...values: SoqlValue[]): string {
  let out = strings[0] ?? ''
  values.forEach((value, i) => {
    out += formatValue(value, i + 1) + (strings[i + 1] ?? '')
  })
  return out
}

/** A field or object name checked against SOQL's identifier rules. */
function identifier(name: string): SoqlFragment {
  if (typeof name !== 'string' || !IDENTIFIER.test(name) || name.length > 255) {
    throw invalid(
      `soql.identifier: ${JSON.stringify(name)} is not a valid field or object name ` +
        '(letters, digits and underscores, starting with a letter, dots between relationship names)',
    )
  }
  return new SoqlFragment(name)
}

/** A date literal (YYYY-MM-DD, unquoted); a Date is taken in UTC. */
function date(value: Date | string): SoqlFragment {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid('soql.date: the Date is invalid')
    return new SoqlFragment(value.toISOString().slice(0, 10))
  }
  if (typeof value === 'string' && DATE_ONLY.test(value)) return new SoqlFragment(value)
  throw invalid(`soql.date: ${JSON.stringify(value)} is not a Date or a YYYY-MM-DD string`)
}

/** Where a `soql.like` pattern lets other text be: nowhere, after, before, or on both sides. */
export type LikeMatch = 'exact' | 'startsWith' | 'endsWith' | 'contains'

/**
 * A quoted LIKE pattern in which `text` matches only itself: its `%` and `_` are escaped as `\%`
 * and `\_` (SOQL's LIKE-only escapes) and its backslashes as `\\`, so a user's `%` matches a
 * literal percent sign, not every row. `match` adds the wildcards around it.
 * @example soql`SELECT Id FROM Account WHERE Name LIKE ${soql.like(search, 'contains')}`
 * // search = '50% off' → Name LIKE '%50\% off%'
 */
function like(text: string, match: LikeMatch = 'exact'): SoqlFragment {
  if (typeof text !== 'string') throw invalid('soql.like: expects a string')
  if (!['exact', 'startsWith', 'endsWith', 'contains'].includes(match)) {
    throw invalid(
      `soql.like: match ${JSON.stringify(match)} must be exact, startsWith, endsWith or contains`,
    )
  }
  const body = [...text]
    .map((c) => (c === '%' || c === '_' ? `\\${c}` : escapeSoqlString(c)))
    .join('')
  const before = match === 'endsWith' || match === 'contains' ? '%' : ''
  const after = match === 'startsWith' || match === 'contains' ? '%' : ''
  return new SoqlFragment(`'${before}${body}${after}'`)
}

/** Raw SOQL placed as is. Never pass user input here. */
function raw(text: string): SoqlFragment {
  if (typeof text !== 'string') throw invalid('soql.raw: expects a string')
  return new SoqlFragment(text)
}

/**
 * Builds SOQL with every interpolated value quoted as a SOQL literal.
 * @example soql`SELECT Id FROM ${soql.identifier('Account')} WHERE Name = ${name} AND Id IN ${ids}`
 * A plain string is not a LIKE pattern's safe value: its `%` and `_` stay wildcards. Use
 * `soql.like(text, 'contains')` for text a user typed.
 */
export const soql = Object.assign(soqlTemplate, { identifier, date, like, raw })
