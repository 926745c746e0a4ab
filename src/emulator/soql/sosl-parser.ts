// A small hand-written parser for the SOSL subset the emulator runs:
// FIND {term} [IN ALL|NAME|EMAIL|PHONE|SIDEBAR FIELDS]
// [RETURNING Obj [(fields [WHERE ...] [ORDER BY ...] [LIMIT n] [OFFSET n])], ...] [LIMIT n]

import { ApiError } from '../model/index.js'

export type SearchScope = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE' | 'SIDEBAR'

export interface SearchTarget {
  object: string
  /** Field names as written; empty means `Id` only. */
  fields: string[]
  /** SOQL clauses after the field list (`WHERE ... LIMIT n`), or ''. */
  clauses: string
}

export interface SearchSpec {
  term: string
  scope: SearchScope
  /** undefined: every searchable object, with Id only. */
  targets: SearchTarget[] | undefined
  limit: number | undefined
}

const SCOPES = new Set(['ALL', 'NAME', 'EMAIL', 'PHONE', 'SIDEBAR'])

function malformed(text: string, at: number, what: string): ApiError {
  // Salesforce's MALFORMED_SEARCH messages follow its ANTLR grammar; these are close, not exact.
  return new ApiError(400, 'MALFORMED_SEARCH', `line 1:${at} ${what} in search: ${text}`)
}

/** Reads a `{...}` or `'...'` search term starting at `i`; backslash escapes the closer. */
function readTerm(text: string, i: number): { term: string; end: number } {
  const open = text[i]
  const close = open === '{' ? '}' : open === "'" ? "'" : undefined
  if (close === undefined)
    throw malformed(text, i, 'the search term must be enclosed in braces, e.g. FIND {Acme}')
  let term = ''
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j] ?? ''
    if (c === '\\' && j + 1 < text.length) {
      term += c + (text[++j] ?? '')
    } else if (c === close) return { term, end: j + 1 }
    else term += c
  }
  throw malformed(text, i, `the search term is missing its closing ${close}`)
}

/** The index just after the `)` that closes the `(` at `i`, skipping quoted strings. */
function closeParen(text: string, i: number): number {
  let depth = 0
  let quoted = false
  for (let j = i; j < text.length; j++) {
    const c = text[j]
    if (quoted) {
      if (c === '\\') j++
      else if (c === "'") quoted = false
    } else if (c === "'") quoted = true
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return j + 1
  }
  throw malformed(text, i, "missing ')'")
}

function target(object: string, inner: string | undefined): SearchTarget {
  if (inner === undefined) return { object, fields: [], clauses: '' }
  const clause = /\s(WHERE|ORDER\s+BY|LIMIT|OFFSET)\b/i.exec(` ${inner}`)
  const list = clause ? inner.slice(0, clause.index) : inner
  const clauses = clause ? inner.slice(clause.index) : ''
  const fields = list
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '')
  return { object, fields, clauses: clauses.trim() }
}

export function parseSosl(text: string): SearchSpec {
  const find = /^\s*FIND\s*/i.exec(text)
  if (!find) throw malformed(text, 0, "unexpected token, expecting 'FIND'")
  const { term, end } = readTerm(text, find[0].length)
  const spec: SearchSpec = { term, scope: 'ALL', targets: undefined, limit: undefined }
  let i = end
  const skipSpace = () => {
    while (/\s/.test(text[i] ?? '')) i++
  }
  const word = (): string => {
    skipSpace()
    const m = /^[A-Za-z0-9_]+/.exec(text.slice(i))
    if (!m) return ''
    i += m[0].length
    return m[0]
  }
  for (skipSpace(); i < text.length; skipSpace()) {
    const at = i
    const kw = word().toUpperCase()
    if (kw === 'IN') {
      const scope = word().toUpperCase()
      if (!SCOPES.has(scope) || word().toUpperCase() !== 'FIELDS')
        throw malformed(text, at, 'expecting IN ALL|NAME|EMAIL|PHONE|SIDEBAR FIELDS')
      spec.scope = scope as SearchScope
    } else if (kw === 'RETURNING') {
      spec.targets = []
      for (;;) {
        const object = word()
        if (object === '') throw malformed(text, i, 'expecting an object name after RETURNING')
        skipSpace()
        let inner: string | undefined
        if (text[i] === '(') {
          const close = closeParen(text, i)
          inner = text.slice(i + 1, close - 1)
          i = close
        }
        spec.targets.push(target(object, inner))
        skipSpace()
        if (text[i] !== ',') break
        i++
      }
    } else if (kw === 'WITH' || kw === 'UPDATE') {
      // WITH SNIPPET(...), WITH HIGHLIGHT, WITH METADATA='LABELS', UPDATE TRACKING, ...: these
      // shape extras the emulator does not produce, so the clause is read and ignored.
      const extra =
        /^\s*[A-Za-z_]+(?:\s*=\s*(?:'(?:[^'\\]|\\.)*'|[A-Za-z0-9_]+)|\s*\([^)]*\))?/.exec(
          text.slice(i),
        )
      if (!extra) throw malformed(text, at, `expecting a clause name after ${kw}`)
      i += extra[0].length
    } else if (kw === 'LIMIT') {
      const n = Number(word())
      if (!Number.isInteger(n) || n < 0) throw malformed(text, at, 'LIMIT needs a whole number')
      spec.limit = n
    } else {
      throw malformed(text, at, `unexpected token '${kw || text[at]}'`)
    }
  }
  return spec
}
