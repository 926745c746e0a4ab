// Reads the parts of the user docs (README.md, docs/*.md) that tests check: TypeScript code
// blocks with the context comments before them, and the links with the line they are on.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const REPO = resolve(import.meta.dirname, '../..')

/** README.md and every docs/*.md, as paths relative to the repository root. */
export function userDocs(): string[] {
  const docs = readdirSync(join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`)
  return ['README.md', ...docs]
}

export interface Snippet {
  doc: string
  /** 1-based line of the snippet's first code line in the doc. */
  line: number
  code: string
  /** The latest `<!-- snippet-context ... -->` before it in the same doc, if any. */
  context?: { line: number; code: string }
  /** Marked `<!-- snippet: not-checked -->` on the line before its fence. */
  notChecked: boolean
}

const TS_FENCE = /^\s*```(ts|typescript)\s*$/
const ANY_FENCE = /^\s*```/
const NOT_CHECKED = '<!-- snippet: not-checked -->'
const CONTEXT_OPEN = '<!-- snippet-context'

/**
 * The ```ts and ```typescript blocks of a doc. A `<!-- snippet-context` comment (closed by a
 * line `-->`) holds TypeScript whose exports the following snippets of that doc may use, as
 * if imported; it lets a page define `sf` once and use it in every later example.
 */
export function snippetsOf(doc: string): Snippet[] {
  const lines = readFileSync(join(REPO, doc), 'utf8').split('\n')
  const snippets: Snippet[] = []
  let context: Snippet['context']
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? ''
    if (text.trim() === CONTEXT_OPEN) {
      const end = lines.findIndex((l, j) => j > i && l.trim() === '-->')
      if (end < 0) throw new Error(`${doc}:${i + 1}: ${CONTEXT_OPEN} is not closed by a line -->`)
      context = { line: i + 2, code: lines.slice(i + 1, end).join('\n') }
      i = end
      continue
    }
    if (!ANY_FENCE.test(text)) continue
    const close = lines.findIndex((l, j) => j > i && ANY_FENCE.test(l))
    if (close < 0) throw new Error(`${doc}:${i + 1}: a code block is not closed`)
    if (TS_FENCE.test(text)) {
      const indent = /^\s*/.exec(text)?.[0].length ?? 0
      const code = lines
        .slice(i + 1, close)
        .map((l) => l.slice(Math.min(indent, /^\s*/.exec(l)?.[0].length ?? 0)))
        .join('\n')
      let before = i - 1
      while (before >= 0 && (lines[before] ?? '').trim() === '') before--
      snippets.push({
        doc,
        line: i + 2,
        code,
        ...(context ? { context } : {}),
        notChecked: (lines[before] ?? '').trim() === NOT_CHECKED,
      })
    }
    i = close
  }
  return snippets
}

export interface Link {
  doc: string
  line: number
  target: string
}

/** Inline links and images (`[text](target)`, `![alt](target)`) outside code blocks and spans. */
export function linksOf(doc: string): Link[] {
  const lines = readFileSync(join(REPO, doc), 'utf8').split('\n')
  const links: Link[] = []
  let inFence = false
  lines.forEach((text, i) => {
    if (ANY_FENCE.test(text)) {
      inFence = !inFence
      return
    }
    if (inFence) return
    const prose = text.replace(/`[^`]*`/g, '')
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ doc, line: i + 1, target: m[1] ?? '' })
    }
  })
  return links
}

/** GitHub's anchors for a doc's headings: lower case, punctuation dropped, spaces as dashes. */
export function headingAnchors(doc: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let inFence = false
  for (const text of readFileSync(join(REPO, doc), 'utf8').split('\n')) {
    if (ANY_FENCE.test(text)) inFence = !inFence
    const m = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)
    if (!m) continue
    const base = (m[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    anchors.add(n === 0 ? base : `${base}-${n}`)
  }
  return anchors
}
