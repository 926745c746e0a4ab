// Converts one incoming field value to its stored form, or throws the ApiError Salesforce
// answers for it. Reference existence is checked by the store, which knows the rows.
// Where Salesforce's REST answer is uncertain (a string that is not a number), we answer
// INVALID_TYPE_ON_FIELD_IN_RECORD, the code Salesforce uses for values of the wrong type;
// a JSON token of the wrong kind (an object, an array, a boolean for a number) answers
// JSON_PARSER_ERROR, as Salesforce's JSON reader does.

import { ApiError, type FieldDef } from '../model/index.js'
import { toId18 } from '../ids/record-id.js'
import { parseDate, parseDateTime } from './sf-datetime.js'

const JAVA_TYPES: Record<string, string> = {
  boolean: 'boolean',
  int: 'int',
  double: 'double',
  currency: 'double',
  percent: 'double',
  date: 'date',
  datetime: 'datetime',
}

/** A value as Salesforce shows it in a message: JSON for objects and arrays. */
export function display(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined')
}

function tokenOf(value: unknown): string {
  if (Array.isArray(value)) return 'START_ARRAY'
  if (typeof value === 'object') return 'START_OBJECT'
  if (typeof value === 'boolean') return value ? 'VALUE_TRUE' : 'VALUE_FALSE'
  if (typeof value === 'number')
    return Number.isInteger(value) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT'
  return 'VALUE_STRING'
}

function parserError(f: FieldDef, value: unknown): ApiError {
  const javaType = JAVA_TYPES[f.type] ?? 'String'
  const shown = display(value)
  return new ApiError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${javaType} from ${tokenOf(value)} value ${shown} or request may be missing a required field`,
  )
}

function wrongType(f: FieldDef, value: unknown): ApiError {
  return new ApiError(
    400,
    'INVALID_TYPE_ON_FIELD_IN_RECORD',
    `${f.label}: value not of required type: ${display(value)}`,
    [f.name],
  )
}

function checkPicklist(f: FieldDef, value: string): void {
  if (!f.restrictedPicklist) return
  const parts = f.type === 'multipicklist' ? value.split(';') : [value]
  for (const part of parts) {
    if (!f.picklistValues.some((p) => p.active && p.value === part)) {
      throw new ApiError(
        400,
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `${f.label}: bad value for restricted picklist field: ${part}`,
        [f.name],
      )
    }
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function textValue(f: FieldDef, value: unknown): string | null {
  if (typeof value === 'object') throw parserError(f, value)
  const text = display(value)
  // Salesforce stores an empty text value as null.
  if (text === '') return null
  if (text.length > f.length) {
    throw new ApiError(
      400,
      'STRING_TOO_LONG',
      `${f.label}: data value too large: ${text} (max length=${f.length})`,
      [f.name],
    )
  }
  if (f.type === 'email' && !EMAIL.test(text)) {
    throw new ApiError(400, 'INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${text}`, [
      f.name,
    ])
  }
  if (f.type === 'picklist' || f.type === 'multipicklist') checkPicklist(f, text)
  return text
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/

/** Base64 data is kept as sent (whitespace removed); the files routes decode it. */
function base64Value(f: FieldDef, value: unknown): string | null {
  if (typeof value !== 'string') throw parserError(f, value)
  if (value === '') return null
  if (!BASE64.test(value)) throw wrongType(f, value.slice(0, 40))
  return value.replace(/\s+/g, '')
}

function numberValue(f: FieldDef, value: unknown): number | null {
  let n: number
  if (typeof value === 'number') n = value
  else if (typeof value === 'string') {
    if (value.trim() === '') return null
    n = Number(value)
    if (!Number.isFinite(n)) throw wrongType(f, value)
  } else throw parserError(f, value)
  if (f.type === 'int') {
    if (!Number.isInteger(n)) throw parserError(f, value)
    return n
  }
  const intDigits = Math.trunc(Math.abs(n)).toString().length
  if (f.precision > 0 && Math.trunc(Math.abs(n)) !== 0 && intDigits > f.precision - f.scale) {
    throw new ApiError(
      400,
      'NUMBER_OUTSIDE_VALID_RANGE',
      `${f.label}: value outside of valid range on numeric field: ${n}`,
      [f.name],
    )
  }
  const factor = 10 ** f.scale
  return Math.round(n * factor) / factor
}

function booleanValue(f: FieldDef, value: unknown): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase()
    if (v === 'true' || v === '1') return true
    if (v === 'false' || v === '0' || v === '') return false
    throw wrongType(f, value)
  }
  throw parserError(f, value)
}

/**
 * The stored form of `value` for field `f`: canonical dates, 18-character ids, rounded
 * numbers, null for empty. Throws ApiError when Salesforce would refuse the value.
 */
export function coerceValue(f: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return f.type === 'boolean' ? false : null
  switch (f.type) {
    case 'string':
    case 'textarea':
    case 'email':
    case 'phone':
    case 'url':
    case 'picklist':
    case 'multipicklist':
    case 'combobox':
      return textValue(f, value)
    case 'base64':
      return base64Value(f, value)
    // Compound fields are read-only: the rules refuse them before a value gets here.
    case 'address':
      return null
    case 'boolean':
      return booleanValue(f, value)
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return numberValue(f, value)
    case 'date': {
      if (typeof value !== 'string') throw parserError(f, value)
      if (value === '') return null
      const d = parseDate(value)
      if (d === undefined) throw parserError(f, value)
      return d
    }
    case 'datetime': {
      if (typeof value !== 'string') throw parserError(f, value)
      if (value === '') return null
      const d = parseDateTime(value)
      if (d === undefined) throw parserError(f, value)
      return d
    }
    case 'id':
    case 'reference': {
      if (typeof value !== 'string') throw parserError(f, value)
      if (value === '') return null
      const id = toId18(value)
      if (id === undefined) {
        throw new ApiError(
          400,
          'MALFORMED_ID',
          `${f.label}: id value of incorrect type: ${value}`,
          [f.name],
        )
      }
      return id
    }
  }
}

/** Unique and external id values match without regard to case unless the field is case-sensitive. */
export function normalise(f: FieldDef, value: unknown): string {
  const text = display(value)
  return f.caseSensitive ? text : text.toLowerCase()
}
