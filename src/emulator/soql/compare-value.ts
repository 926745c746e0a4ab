// Compiles one SOQL comparison (`Field <op> literal`) into a test on the field's stored value,
// with Salesforce's typing rules: quoted literals only for text and ids, case-insensitive text,
// 15/18-character ids, dates and datetimes as ranges, multipicklist INCLUDES/EXCLUDES.

import type { FieldDef } from '../model/index.js'
import { dateLiteralRange, dayNumber, daysToMs, epochMs, type Range } from './date-literals.js'
import { unquote } from './parse-soql.js'
import { soqlError } from './soql-error.js'

type Kind = 'id' | 'text' | 'multi' | 'boolean' | 'number' | 'date' | 'datetime'

export function kindOf(field: FieldDef): Kind {
  switch (field.type) {
    case 'id':
    case 'reference':
      return 'id'
    case 'multipicklist':
      return 'multi'
    case 'boolean':
      return 'boolean'
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return 'number'
    case 'date':
      return 'date'
    case 'datetime':
      return 'datetime'
    default:
      return 'text'
  }
}

/** The field being compared: its definition, and where its name sits in the query. */
export interface Operand {
  field: FieldDef
  name: string
  query: string
  offset: number
  now: Date
}

/** The parts of a soql-parser-js condition the comparison needs. */
export interface Comparison {
  operator: string
  value: string | string[]
  literalType?: string | string[] | undefined
}

type Lit = string | number | boolean | Range | string[] | null

const ID_RE = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/

/** Normalises a stored value to what literals are compared with; null for empty. */
export function normalize(kind: Kind, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined || value === '') return null
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : ''
  switch (kind) {
    case 'id':
      return text.slice(0, 15)
    case 'text':
      return text.toLowerCase()
    case 'multi':
      return splitMulti(text).join(';')
    case 'date':
      return dayNumber(value) ?? null
    case 'datetime':
      return epochMs(value) ?? null
    default:
      return typeof value === 'number' || typeof value === 'boolean' ? value : null
  }
}

function splitMulti(value: string): string[] {
  return value
    .split(';')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '')
    .sort()
}

// Salesforce's type names in "must be of type ..." messages.
const TYPE_WORD: Record<Kind, string> = {
  id: 'id',
  text: 'string',
  multi: 'string',
  boolean: 'boolean',
  number: 'double',
  date: 'date',
  datetime: 'dateTime',
}

function typeError(op: Operand, kind: Kind): never {
  const word = op.field.type === 'int' ? 'integer' : TYPE_WORD[kind]
  const quotes =
    kind === 'text' || kind === 'multi' || kind === 'id'
      ? 'should be enclosed in quotes'
      : 'should not be enclosed in quotes'
  throw soqlError(
    'INVALID_QUERY_FILTER_OPERATOR',
    op.query,
    op.offset,
    `value of filter criterion for field '${op.name}' must be of type ${word} and ${quotes}`,
  )
}

/** Parses one literal for a field of `kind`, refusing literals of the wrong type. */
function literal(
  op: Operand,
  kind: Kind,
  raw: string,
  type: string | undefined,
  forLike: boolean,
): Lit {
  if (type === 'NULL') return null
  const quoted = type === 'STRING'
  switch (kind) {
    case 'id': {
      if (!quoted) typeError(op, kind)
      const id = unquote(raw)
      if (id === '') return null
      if (!ID_RE.test(id))
        throw soqlError(
          'INVALID_QUERY_FILTER_OPERATOR',
          op.query,
          op.offset,
          `invalid ID field: ${id}`,
        )
      return id.slice(0, 15)
    }
    case 'text':
    case 'multi': {
      if (!quoted) typeError(op, kind)
      const text = unquote(raw, forLike)
      if (forLike) return text
      // Salesforce stores empty text as null, so `Field = ''` finds the empty ones (belief,
      // consistent with `!= ''` being the usual "has a value" filter).
      if (text === '') return null
      return kind === 'multi' ? splitMulti(text).join(';') : text.toLowerCase()
    }
    case 'boolean':
      if (type !== 'BOOLEAN') typeError(op, kind)
      return raw.toUpperCase() === 'TRUE'
    case 'number': {
      if (type === undefined || !/^(INTEGER|DECIMAL)/.test(type)) typeError(op, kind)
      return Number(raw.replace(/^[A-Za-z]{3}/, ''))
    }
    case 'date':
    case 'datetime': {
      if (type === 'DATE_LITERAL' || type === 'DATE_N_LITERAL') {
        const range = dateLiteralRange(raw, op.now)
        if (!range)
          throw soqlError('MALFORMED_QUERY', op.query, op.offset, `unexpected token: '${raw}'`)
        return kind === 'date' ? range : daysToMs(range)
      }
      // SOQL docs: a date value filters only date fields, a dateTime value only dateTime fields.
      if (kind === 'date' && type === 'DATE') {
        const day = dayNumber(raw) ?? 0
        return { start: day, end: day + 1 }
      }
      if (kind === 'datetime' && type === 'DATETIME') {
        const ms = epochMs(raw) ?? 0
        return { start: ms, end: ms + 1 }
      }
      return typeError(op, kind)
    }
  }
}

function likeRegExp(pattern: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? ''
    if (c === '\\' && i + 1 < pattern.length) source += escapeRe(pattern[++i] ?? '')
    else if (c === '%') source += '.*'
    else if (c === '_') source += '.'
    else source += escapeRe(c)
  }
  return new RegExp(`^${source}$`, 'is')
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

function isRange(v: Lit): v is Range {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function equals(stored: string | number | boolean | null, lit: Lit): boolean {
  if (lit === null) return stored === null
  if (stored === null) return false
  if (isRange(lit)) return typeof stored === 'number' && stored >= lit.start && stored < lit.end
  return stored === lit
}

function order(stored: string | number | boolean | null, lit: Lit, op: string): boolean {
  if (stored === null || lit === null || typeof stored === 'boolean') return false
  if (isRange(lit)) {
    if (typeof stored !== 'number') return false
    if (op === '<') return stored < lit.start
    if (op === '<=') return stored < lit.end
    if (op === '>') return stored >= lit.end
    return stored >= lit.start
  }
  if (op === '<') return stored < lit
  if (op === '<=') return stored <= lit
  if (op === '>') return stored > lit
  return stored >= lit
}

/** Compiles `field <op> literal` into a test on the raw stored value. */
export function compileComparison(op: Operand, cmp: Comparison): (value: unknown) => boolean {
  const kind = kindOf(op.field)
  const operator = cmp.operator.toUpperCase()
  const values = Array.isArray(cmp.value) ? cmp.value : [cmp.value]
  const typeAt = (i: number) =>
    Array.isArray(cmp.literalType) ? cmp.literalType[i] : cmp.literalType
  const isLike = operator === 'LIKE'
  if (isLike && kind !== 'text' && kind !== 'id' && kind !== 'multi') {
    // Salesforce refuses LIKE on non-text fields (exact wording uncertain).
    throw soqlError(
      'INVALID_QUERY_FILTER_OPERATOR',
      op.query,
      op.offset,
      `invalid operator on field: ${op.name}`,
    )
  }
  if ((operator === 'INCLUDES' || operator === 'EXCLUDES') && kind !== 'multi') {
    throw soqlError(
      'INVALID_QUERY_FILTER_OPERATOR',
      op.query,
      op.offset,
      `includes or excludes operator only valid on multipicklist field`,
    )
  }
  const lits = values.map((v, i) => literal(op, kind, v, typeAt(i), isLike))
  const first = lits[0] ?? null
  switch (operator) {
    case '=':
      return (v) => equals(normalize(kind, v), first)
    case '!=':
    case '<>':
      return (v) => !equals(normalize(kind, v), first)
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (v) => order(normalize(kind, v), first, operator)
    case 'LIKE': {
      if (typeof first !== 'string') return () => false
      const re = likeRegExp(first)
      return (v) => typeof v === 'string' && re.test(v)
    }
    case 'IN':
    case 'NOT IN': {
      // Long id lists are common (`Id IN :ids`): look scalars up in a set, not one by one.
      const set = lits.some(isRange) ? undefined : new Set(lits)
      const within = (v: unknown) => {
        const s = normalize(kind, v)
        return set ? set.has(s) : lits.some((l) => equals(s, l))
      }
      return operator === 'IN' ? within : (v) => !within(v)
    }
    case 'INCLUDES':
    case 'EXCLUDES': {
      // `INCLUDES ('a;b', 'c')` means (a AND b) OR c.
      const wanted = lits.map((l) => splitMulti(typeof l === 'string' ? l : ''))
      const includes = (v: unknown) => {
        const have = new Set(typeof v === 'string' ? splitMulti(v) : [])
        return wanted.some((set) => set.length > 0 && set.every((x) => have.has(x)))
      }
      return operator === 'INCLUDES' ? includes : (v) => !includes(v)
    }
    default:
      throw soqlError('MALFORMED_QUERY', op.query, op.offset, `unexpected token: '${cmp.operator}'`)
  }
}
