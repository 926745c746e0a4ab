// The package entry `forcebridge/salesforce` (src/salesforce/public.ts) exports exactly what
// docs/client.md lists under "What forcebridge/salesforce exports", classes and functions
// (bold there) as values and the rest as types only.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as entry from '../../src/salesforce/public.js'

const root = new URL('../../', import.meta.url)
const source = readFileSync(new URL('src/salesforce/public.ts', root), 'utf8')
const docs = readFileSync(new URL('docs/client.md', root), 'utf8')

/** Every name in the `export { ... }` and `export type { ... }` lists of public.ts. */
function exportedNames(): string[] {
  const names: string[] = []
  for (const m of source.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const n of (m[1] ?? '').split(',')) if (n.trim()) names.push(n.trim())
  }
  return names.sort()
}

function documented(): { all: string[]; values: string[] } {
  const section = docs.split('## What `forcebridge/salesforce` exports')[1] ?? ''
  const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| for'))
  const cells = rows.map((r) => r.split('|')[2] ?? '').join(',')
  const all = [...cells.matchAll(/(\*\*)?`([A-Za-z]+)`\1?/g)]
  return {
    all: all.map((m) => m[2] as string).sort(),
    values: all
      .filter((m) => m[1])
      .map((m) => m[2] as string)
      .sort(),
  }
}

describe('the public entry', () => {
  it('exports exactly the names docs/client.md lists', () => {
    expect(exportedNames()).toEqual(documented().all)
  })

  it('exports the classes and functions the docs mark as values, and nothing else at run time', () => {
    expect(Object.keys(entry).sort()).toEqual(documented().values)
  })

  it('keeps internals out', () => {
    for (const internal of ['parseLimitInfo', 'isTokenSignatureValid', 'DescribeCache', 'ingest']) {
      expect(Object.keys(entry)).not.toContain(internal)
    }
  })
})
