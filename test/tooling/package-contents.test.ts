// What `npm install forcebridge` gives a user, read from `npm pack --dry-run --json`: the
// license, the built entries package.json names, the docs and examples, source maps that carry
// their sources, no tests or TypeScript sources, and every file a doc links to.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { headingAnchors, linksOf, REPO, userDocs } from '../docs/markdown-parts.js'

interface Manifest {
  bin: Record<string, string>
  exports: Record<string, string | { types: string; default: string }>
  license: string
}

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest
let packed: Set<string>

beforeAll(() => {
  // --ignore-scripts: the files as they are now (npm test built dist/ already), no second build.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[]
  packed = new Set(pack?.files.map((f) => f.path))
}, 60_000)

describe('the packed package', () => {
  it('holds the license, readme, docs, examples and the built entries', () => {
    for (const file of ['LICENSE', 'README.md', 'package.json', 'examples/demo-org.yaml'])
      expect(packed, file).toContain(file)
    for (const doc of userDocs()) expect(packed, doc).toContain(doc)
    expect(readFileSync(join(REPO, 'LICENSE'), 'utf8')).toMatch(
      /^\s*Apache License\s+Version 2\.0, January 2004/,
    )
    expect(manifest.license).toBe('Apache-2.0')
  })

  it('holds what bin and every export point at', () => {
    const targets = [
      ...Object.values(manifest.bin),
      ...Object.values(manifest.exports).flatMap((e) =>
        typeof e === 'string' ? [e] : [e.types, e.default],
      ),
    ]
    expect(targets.length).toBeGreaterThan(4)
    for (const target of targets) expect(packed, target).toContain(normalize(target))
    // The bin loads the compiled CLI.
    expect(packed).toContain('dist/cli/main.js')
  })

  it('leaves out tests, TypeScript sources and build leftovers', () => {
    const stray = [...packed].filter(
      (f) =>
        /^(src|test|bench|scripts|\.doc-snippets|\.ci)\//.test(f) ||
        f.endsWith('.tsbuildinfo') ||
        /\.test\.[jt]s$/.test(f),
    )
    expect(stray).toEqual([])
  })

  it('ships no compiled module whose source is gone (npm run build removes them)', () => {
    const stale = [...packed].filter(
      (f) =>
        /^dist\/.*\.js$/.test(f) &&
        // A compiled module comes from a .ts file; an asset (the dashboard's admin.js) is copied as is.
        !existsSync(join(REPO, 'src', f.slice('dist/'.length).replace(/\.js$/, '.ts'))) &&
        !existsSync(join(REPO, 'src', f.slice('dist/'.length))),
    )
    expect(stale).toEqual([])
  })

  it('ships source maps whose sources are inside them', () => {
    const maps = [...packed].filter((f) => f.endsWith('.js.map'))
    expect(maps.length).toBeGreaterThan(50)
    const unresolved = maps.filter((f) => {
      const map = JSON.parse(readFileSync(join(REPO, f), 'utf8')) as {
        sources: string[]
        sourcesContent?: (string | null)[]
      }
      return map.sources.some((source, i) => {
        const embedded = typeof map.sourcesContent?.[i] === 'string'
        return !embedded && !packed.has(normalize(join(dirname(f), source)))
      })
    })
    expect(unresolved).toEqual([])
  })
})

describe('doc links', () => {
  it('point at files in the package and at headings that exist', () => {
    const broken: string[] = []
    for (const doc of userDocs()) {
      for (const link of linksOf(doc)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue // https:, mailto:
        const [path = '', anchor] = link.target.split('#')
        const file = path === '' ? doc : normalize(join(dirname(doc), path))
        const where = `${doc}:${link.line}: ${link.target}`
        if (!packed.has(file)) broken.push(`${where} (not in the package)`)
        else if (anchor !== undefined && file.endsWith('.md') && !headingAnchors(file).has(anchor))
          broken.push(`${where} (no heading #${anchor} in ${file})`)
      }
    }
    expect(broken).toEqual([])
  })
})
