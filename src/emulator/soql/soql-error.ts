// Builds the errors the SOQL and SOSL engine throws, in Salesforce's caret format:
// `\n<query line>\n<spaces>^\nERROR at Row:R:Column:C\n<reason>` (salesforce-api.md §2.5).

import { ApiError } from '../model/index.js'

export type SoqlErrorCode =
  | 'MALFORMED_QUERY'
  | 'INVALID_FIELD'
  | 'INVALID_TYPE'
  | 'INVALID_QUERY_FILTER_OPERATOR'
  | 'NUMBER_OUTSIDE_VALID_RANGE'
  | 'MALFORMED_SEARCH'

/**
 * An ApiError (HTTP 400) whose message points at `offset` in `query`. Salesforce shows the
 * line of the query that holds the error, a caret under the column, then the reason; the
 * column is 1-based and the caret line has column-1 spaces. Salesforce cuts very long lines
 * to an excerpt around the caret; the emulator shows the whole line (uncertain detail).
 */
export function soqlError(
  code: SoqlErrorCode,
  query: string,
  offset: number,
  reason: string,
): ApiError {
  const at = Math.max(0, Math.min(offset, query.length))
  const before = query.slice(0, at).split('\n')
  const row = before.length
  const column = (before[before.length - 1] ?? '').length + 1
  const line = query.split('\n')[row - 1] ?? ''
  const caret = `${' '.repeat(column - 1)}^`
  return new ApiError(
    400,
    code,
    `\n${line}\n${caret}\nERROR at Row:${row}:Column:${column}\n${reason}`,
  )
}

const IDENT = /[A-Za-z0-9_]/

/** Where `text` first appears in `query` as a whole token (case-insensitive) from `from`, or -1. */
export function findToken(query: string, text: string, from = 0): number {
  const hay = query.toLowerCase()
  const needle = text.toLowerCase()
  // Word boundaries matter only on the sides where the token itself is a word character.
  const checkBefore = IDENT.test(needle[0] ?? '')
  const checkAfter = IDENT.test(needle[needle.length - 1] ?? '')
  let at = hay.indexOf(needle, from)
  while (at >= 0) {
    const before = at > 0 ? (hay[at - 1] ?? ' ') : ' '
    const after = hay[at + needle.length] ?? ' '
    if (!(checkBefore && IDENT.test(before)) && !(checkAfter && IDENT.test(after))) return at
    at = hay.indexOf(needle, at + 1)
  }
  return -1
}

/**
 * Where `text` appears in `query` (see findToken), or `from` when it does not. soql-parser-js
 * does not report token positions, so the engine finds them again in the text; a name used
 * twice in one clause may point at its first use.
 */
export function locate(query: string, text: string, from = 0): number {
  const at = findToken(query, text, from)
  return at >= 0 ? at : Math.min(from, query.length)
}

export function noSuchColumn(
  query: string,
  offset: number,
  field: string,
  entity: string,
): ApiError {
  return soqlError(
    'INVALID_FIELD',
    query,
    offset,
    `No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  )
}

export function unsupportedType(query: string, offset: number, name: string): ApiError {
  return soqlError(
    'INVALID_TYPE',
    query,
    offset,
    `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  )
}

/** An unknown parent relationship in a field path (`Acount.Name`). */
export function unknownRelationship(query: string, offset: number, name: string): ApiError {
  return soqlError(
    'INVALID_FIELD',
    query,
    offset,
    `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
  )
}
