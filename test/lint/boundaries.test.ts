// The boundaries lint rule (scripts/eslint-rules/boundaries.js), as eslint.config.js wires it:
// planted imports that break ARCHITECTURE.md's table or skip an index.ts are reported.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ESLint, Linter } from 'eslint'
import tseslint from 'typescript-eslint'
import { beforeAll, describe, expect, it } from 'vitest'

const repo = fileURLToPath(new URL('../..', import.meta.url))
let plugin: ESLint.Plugin

beforeAll(async () => {
  // The plugin exactly as the project's config gives it to src/ files.
  const config = (await new ESLint({ cwd: repo }).calculateConfigForFile(
    'src/admin/admin-plugin.ts',
  )) as Linter.Config
  expect(config.rules?.['forcebridge/boundaries']).toEqual([2])
  const found = config.plugins?.forcebridge
  if (!found) throw new Error('eslint.config.js gives src/ files no forcebridge plugin')
  plugin = found
})

/** The boundary messages for `code` linted as the file `file` (a path under the repo). */
function lint(file: string, code: string): string[] {
  const linter = new Linter({ cwd: repo })
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { forcebridge: plugin },
        rules: { 'forcebridge/boundaries': 'error' },
      },
    ],
    { filename: join(repo, file) },
  )
  for (const m of messages) if (m.ruleId !== 'forcebridge/boundaries') throw new Error(m.message)
  return messages.map((m) => m.message)
}

describe('boundaries lint rule', () => {
  it('refuses an import the "may import" table does not allow, type-only ones too', () => {
    expect(
      lint('src/salesforce/planted.ts', "import { openStore } from '../store/index.js'"),
    ).toEqual([expect.stringContaining('src/salesforce may not import src/store/index.ts')])
    expect(
      lint(
        'src/emulator/oauth/planted.ts',
        "import type { Token } from '../../salesforce/index.js'",
      ),
    ).toEqual([expect.stringContaining('lets emulator/ import util/')])
    expect(lint('src/store/planted.ts', "export * from '../runtime/index.js'")).toHaveLength(1)
    expect(lint('src/admin/planted.ts', "const m = import('../salesforce/index.js')")).toHaveLength(
      1,
    )
  })

  it('refuses a way into another folder that is not its index.ts', () => {
    expect(
      lint('src/admin/jobs/planted.ts', "import type { Job } from '../../runtime/queue/index.js'"),
    ).toEqual([
      'src/runtime/queue/index.ts is inside src/runtime/; other folders import it only through src/runtime/index.ts (export it there if it is missing)',
    ])
    expect(
      lint('src/cli/planted.ts', "import { openStore } from '../store/store.js'"),
    ).toHaveLength(1)
    // The CLI may enter the runtime by a role's face, but not by a file inside the role.
    expect(
      lint('src/cli/planted.ts', "const m = import('../runtime/config/load-config.js')"),
    ).toHaveLength(1)
  })

  it('refuses a way into a sibling role folder that is not its index.ts', () => {
    expect(
      lint(
        'src/runtime/channels/planted.ts',
        "import type { Invoker } from '../services/invoker.js'",
      ),
    ).toEqual([expect.stringContaining('only through src/runtime/services/index.ts')])
    expect(
      lint('src/runtime/runtime-planted.ts', "export { x } from './openapi/openapi-plugin.js'"),
    ).toHaveLength(1)
    expect(lint('src/admin/jobs/planted.ts', "import { html } from '../html/html.js'")).toEqual([
      expect.stringContaining('only through src/admin/html/index.ts'),
    ])
    expect(lint('src/runtime/channels/planted.ts', "import { x } from '../index.js'")).toEqual([
      expect.stringContaining('makes a cycle'),
    ])
  })

  it('refuses a folder with no row in the table', () => {
    expect(lint('src/cluster/planted.ts', "import { hasCode } from '../util/index.js'")).toEqual([
      expect.stringContaining('src/cluster/ has no row'),
    ])
  })

  it('accepts the imports the architecture allows', () => {
    const allowed: Array<[string, string]> = [
      ['src/admin/jobs/planted.ts', "import { html } from '../html/index.js'"],
      ['src/admin/jobs/planted.ts', "import { x } from './job-pages.js'"],
      ['src/admin/jobs/planted.ts', "import type { AdminContext } from '../admin-context.js'"],
      ['src/admin/jobs/planted.ts', "import type { Job } from '../../runtime/index.js'"],
      ['src/runtime/channels/planted.ts', "import type { Invoker } from '../services/index.js'"],
      [
        'src/runtime/channels/planted.ts',
        "import { createClient } from '../../salesforce/index.js'",
      ],
      ['src/runtime/planted.ts', "export * from './queue/index.js'"],
      ['src/cli/planted.ts', "const m = import('../emulator/index.js')"],
      ['src/cli/planted.ts', "import { packageVersion } from '../runtime/package-info/index.js'"],
      ['src/cli/planted.ts', "const m = import('../runtime/config/index.js')"],
      ['src/salesforce/bulk/planted.ts', "import { x } from '../retry-policy.js'"],
      ['src/index.ts', "export { defineService } from './runtime/services/define-service.js'"],
      ['test/admin/planted.ts', "import { x } from '../../src/admin/html/html.js'"],
    ]
    for (const [file, code] of allowed)
      expect({ file, code, errors: lint(file, code) }).toEqual({ file, code, errors: [] })
  })
})
