// Every TypeScript snippet of README.md and docs/*.md type-checks against the package's public
// entries, as a user would paste it into a project that installed forcebridge (dist/ is built
// by `npm test` before vitest runs).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO, snippetsOf, userDocs } from './markdown-parts.js'
import { checkSnippets } from './snippet-checker.js'

// One program over every snippet: loading the package's types takes a few seconds.
const TIMEOUT = 120_000

describe('doc snippets', () => {
  it(
    'type-check against forcebridge, forcebridge/salesforce and forcebridge/emulator',
    () => {
      expect(existsSync(join(REPO, 'dist/index.d.ts')), 'run `npm run build` first').toBe(true)
      const snippets = userDocs().flatMap(snippetsOf)
      // The docs hold dozens; far fewer would mean the parser lost them.
      expect(snippets.filter((s) => !s.notChecked).length).toBeGreaterThan(30)
      expect(checkSnippets(snippets, 'docs')).toEqual([])
    },
    TIMEOUT,
  )

  it(
    'names the doc and line of a snippet that does not check, and skips marked ones',
    () => {
      const snippets = snippetsOf('test/docs/fixtures/snippets.md')
      expect(snippets.map((s) => [s.line, s.notChecked])).toEqual([
        [14, false],
        [21, false],
        [32, true],
        [38, false],
      ])
      const problems = checkSnippets(snippets, 'fixture')
      expect(problems).toHaveLength(3)
      expect(problems[0]).toBe(
        "test/docs/fixtures/snippets.md:38: imports '../src/runtime/index.js'; a user imports 'forcebridge', 'forcebridge/salesforce', 'forcebridge/emulator' or 'forcebridge/testing'",
      )
      expect(problems).toContain(
        "test/docs/fixtures/snippets.md:23: TS2322: Type 'string' is not assignable to type 'number'.",
      )
      expect(problems.some((p) => p.startsWith('test/docs/fixtures/snippets.md:38: TS2307:'))).toBe(
        true,
      )
    },
    TIMEOUT,
  )
})
