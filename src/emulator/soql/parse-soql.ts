// Adapter over soql-parser-js: parses SOQL text, turns its errors into MALFORMED_QUERY in
// Salesforce's caret format, and rebuilds its flat WHERE/HAVING lists into a boolean tree.

import soqlParser from 'soql-parser-js'
import type {
  Condition,
  HavingClause,
  Query,
  ValueQueryCondition,
  WhereClause,
} from 'soql-parser-js'
import { findToken, soqlError } from './soql-error.js'

export type Cond = Condition | ValueQueryCondition

/** A WHERE or HAVING clause as a tree; `cond` leaves are soql-parser-js conditions. */
export type BoolNode =
  | { kind: 'and' | 'or'; items: BoolNode[] }
  | { kind: 'not'; item: BoolNode }
  | { kind: 'cond'; cond: Cond }

/** Parses SOQL; a syntax error becomes MALFORMED_QUERY `unexpected token: '<token>'`. */
export function parseSoql(text: string): Query {
  try {
    return soqlParser.parseQuery(text)
  } catch (err) {
    throw syntaxError(text, err instanceof Error ? err.message : String(err))
  }
}

function syntaxError(text: string, message: string) {
  // Lexer errors carry an offset; Salesforce words them as ANTLR does (uncertain wording).
  const lex = /unexpected character: ->(.)<- at offset: (\d+)/.exec(message)
  if (lex) {
    const offset = Number(lex[2])
    return soqlError(
      'MALFORMED_QUERY',
      text,
      offset,
      `line 1:${offset} no viable alternative at character '${lex[1]}'`,
    )
  }
  // Parser errors name the token found but not where; find it again in the text.
  const found = /found(?::| -->) '([^']*)'/.exec(message)?.[1]
  if (found === undefined || found === '') {
    return soqlError('MALFORMED_QUERY', text, text.length, `unexpected token: '<EOF>'`)
  }
  const at = findToken(text, found, 1)
  return soqlError('MALFORMED_QUERY', text, at >= 0 ? at : 0, `unexpected token: '${found}'`)
}

type Tok = '(' | ')' | 'AND' | 'OR' | 'NOT' | { cond: Cond }

/**
 * soql-parser-js gives `a AND (b OR c)` as a right-leaning list whose conditions carry
 * open/close parenthesis counts. Flatten it back to tokens and parse them with SOQL's rules:
 * NOT binds to what follows, and AND and OR may not be mixed without parentheses
 * (Salesforce answers MALFORMED_QUERY `unexpected token: 'OR'`).
 */
export function buildBoolTree(
  clause: WhereClause | HavingClause,
  text: string,
  offset: number,
): BoolNode {
  const toks: Tok[] = []
  flatten(clause, toks)
  let pos = 0
  const fail = (tok: Tok | undefined): never => {
    const word = tok === undefined ? '<EOF>' : typeof tok === 'string' ? tok : 'condition'
    const at = findToken(text, word, offset)
    throw soqlError('MALFORMED_QUERY', text, at >= 0 ? at : offset, `unexpected token: '${word}'`)
  }
  const expr = (): BoolNode => {
    const first = unary()
    const items = [first]
    let op: 'AND' | 'OR' | undefined
    for (let t = toks[pos]; t === 'AND' || t === 'OR'; t = toks[pos]) {
      if (op !== undefined && t !== op) fail(t)
      op = t
      pos++
      items.push(unary())
    }
    return op === undefined ? first : { kind: op === 'AND' ? 'and' : 'or', items }
  }
  const unary = (): BoolNode => {
    const t = toks[pos++]
    if (t === 'NOT') return { kind: 'not', item: unary() }
    if (t === '(') {
      const inner = expr()
      if (toks[pos++] !== ')') fail(toks[pos - 1])
      return inner
    }
    if (t !== undefined && typeof t !== 'string') return { kind: 'cond', cond: t.cond }
    return fail(t)
  }
  const tree = expr()
  if (pos < toks.length) fail(toks[pos])
  return tree
}

function flatten(node: WhereClause | HavingClause, out: Tok[]): void {
  const left: unknown = node.left
  if (left !== null && typeof left === 'object') {
    const l = left as Partial<Record<'openParen' | 'closeParen', number>> & object
    for (let i = 0; i < (l.openParen ?? 0); i++) out.push('(')
    if ('field' in l || 'fn' in l) out.push({ cond: l as Cond })
    for (let i = 0; i < (l.closeParen ?? 0); i++) out.push(')')
  }
  if ('operator' in node && node.operator !== undefined) out.push(node.operator)
  if ('right' in node && node.right !== undefined) flatten(node.right, out)
}

/**
 * The text of a string literal without quotes, with SOQL escapes resolved. For a LIKE pattern
 * (`keepLikeEscapes`) `\%`, `\_` and `\\` stay escaped, so that the pattern matcher reads a
 * literal percent sign, underscore or backslash (SOQL reference, "Quoted String Escape
 * Sequences": `\%` and `\_` match the character itself in LIKE).
 */
export function unquote(raw: string, keepLikeEscapes = false): string {
  const body = raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1) : raw
  return body.replace(/\\(.)/g, (_m, c: string) => {
    if (keepLikeEscapes && (c === '%' || c === '_' || c === '\\')) return `\\${c}`
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' }
    return map[c] ?? c
  })
}
