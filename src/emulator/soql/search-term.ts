// The search expression of SOSL and parameterized search (`acme* AND NOT "big deal"`),
// compiled to a test on a record's searchable text: words match whole tokens, case-insensitively;
// `*` matches any run of letters or digits and `?` one; adjacent terms mean AND.

import { ApiError } from '../model/index.js'

type Expr =
  | { kind: 'term'; re: RegExp; digits: string | null }
  | { kind: 'and' | 'or'; items: Expr[] }
  | { kind: 'not'; item: Expr }

/** The searchable text of one record: its field values, and digits-only forms of phones. */
export interface Haystack {
  text: string
  phoneDigits: string
}

const WORD = '[\\p{L}\\p{N}]'

function termRegExp(term: string): RegExp {
  let source = ''
  for (const c of term) {
    if (c === '*') source += `${WORD}*`
    else if (c === '?') source += WORD
    else if (/\s/.test(c)) source += '\\s+'
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`(?<!${WORD})${source}(?!${WORD})`, 'iu')
}

function malformed(message: string): ApiError {
  return new ApiError(400, 'MALFORMED_SEARCH', message)
}

function tokenize(input: string): string[] {
  const out: string[] = []
  let i = 0
  while (i < input.length) {
    const c = input[i] ?? ''
    if (/\s/.test(c)) i++
    else if (c === '(' || c === ')') {
      out.push(c)
      i++
    } else if (c === '"') {
      const end = input.indexOf('"', i + 1)
      if (end < 0)
        throw malformed(`Search term has an unclosed quote: ${input}; close the phrase with "`)
      out.push(input.slice(i, end + 1))
      i = end + 1
    } else {
      let j = i
      let word = ''
      while (j < input.length && !/[\s()"]/.test(input[j] ?? '')) {
        // A backslash escapes SOSL's reserved characters (salesforce docs: ? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -).
        if (input[j] === '\\' && j + 1 < input.length) j++
        word += input[j]
        j++
      }
      out.push(word)
      i = j
    }
  }
  return out
}

/** Compiles a search expression; throws MALFORMED_SEARCH when it is empty or unbalanced. */
export function compileSearch(input: string): (hay: Haystack) => boolean {
  const toks = tokenize(input)
  let pos = 0
  const isOp = (t: string | undefined) => t === 'AND' || t === 'OR' || t === 'NOT' || t === ')'
  const or = (): Expr => {
    const items = [and()]
    while (toks[pos] === 'OR') {
      pos++
      items.push(and())
    }
    return items.length === 1 ? (items[0] as Expr) : { kind: 'or', items }
  }
  const and = (): Expr => {
    const items = [primary()]
    for (;;) {
      const t = toks[pos]
      if (t === 'AND' && toks[pos + 1] === 'NOT') {
        pos += 2
        items.push({ kind: 'not', item: primary() })
      } else if (t === 'AND') {
        pos++
        items.push(primary())
      } else if (t !== undefined && !isOp(t)) items.push(primary())
      else break
    }
    return items.length === 1 ? (items[0] as Expr) : { kind: 'and', items }
  }
  const primary = (): Expr => {
    const t = toks[pos++]
    if (t === '(') {
      const inner = or()
      if (toks[pos++] !== ')') throw malformed(`Search term has unbalanced parentheses: ${input}`)
      return inner
    }
    if (t === undefined || isOp(t))
      throw malformed(
        `Search term is empty or misplaces an operator: '${input}'; give at least one word`,
      )
    const word = t.startsWith('"') ? t.slice(1, -1) : t
    const digits = /^[\d\s()+.-]+$/.test(word) && /\d/.test(word) ? word.replace(/\D/g, '') : null
    return { kind: 'term', re: termRegExp(word), digits }
  }
  const expr = or()
  if (pos < toks.length)
    throw malformed(`Search term has an unexpected '${toks[pos] ?? ''}': ${input}`)
  const test = (e: Expr, hay: Haystack): boolean => {
    switch (e.kind) {
      case 'term':
        return e.re.test(hay.text) || (e.digits !== null && hay.phoneDigits.includes(e.digits))
      case 'and':
        return e.items.every((x) => test(x, hay))
      case 'or':
        return e.items.some((x) => test(x, hay))
      case 'not':
        return !test(e.item, hay)
    }
  }
  return (hay) => test(expr, hay)
}
