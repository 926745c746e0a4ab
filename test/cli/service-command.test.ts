// A service's own settings: declared with a zod schema, set by an operator through
// `forcebridge service settings` (secrets from environment variables, never shown back), checked
// before each invocation, and handed to `handle` as ctx.settings.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../../src/store/index.js'
import { runCli } from './fixtures/run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-service-settings-'))
const home = join(dir, 'home')
const saved = { home: process.env.FORCEBRIDGE_HOME, token: process.env.ERP_TOKEN }
const TOKEN = 'erp-token-very-secret-0123456789'

beforeAll(() => {
  process.env.FORCEBRIDGE_HOME = home
  mkdirSync(join(home, 'services'), { recursive: true })
  writeFileSync(
    join(home, 'services', 'erp-sync.ts'),
    `import { defineService, z } from 'forcebridge'
export default defineService({
  name: 'erp.sync',
  description: 'Copies orders to the ERP',
  settings: z.object({
    erpUrl: z.url().describe('Base URL of the ERP'),
    erpToken: z.string().min(10).meta({ secret: true }),
    batchSize: z.number().int().positive().default(200),
    // Wrapped after meta(): still secret, and still described.
    webhookSecret: z.string().describe('Signs webhooks').meta({ secret: true }).optional(),
  }),
  input: z.object({}),
  handle: ({ settings }) => ({
    url: settings.erpUrl,
    batchSize: settings.batchSize,
    tokenLength: settings.erpToken.length,
  }),
})
`,
  )
})

afterAll(() => {
  for (const [key, value] of [
    ['FORCEBRIDGE_HOME', saved.home],
    ['ERP_TOKEN', saved.token],
  ] as const) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('forcebridge service', () => {
  it('lists the services with their description and whether they take settings', async () => {
    const listed = await runCli('service', 'list')
    expect(listed.code).toBe(0)
    expect(listed.out).toMatch(/erp\.sync\s+Copies orders to the ERP\s+yes/)
  })

  it('refuses to run a service whose settings are missing, naming each one', async () => {
    const run = await runCli('invoke', 'erp.sync', '--input', '{}')
    expect(run.code).toBe(1)
    expect(run.err).toContain("settings of service 'erp.sync' are not valid")
    expect(run.err).toMatch(/erpUrl/)
    expect(run.err).toMatch(/erpToken/)
    expect(run.err).toContain('forcebridge service settings erp.sync --set')
  })

  it('sets values (a secret from the environment), hides the secret and hands them to handle', async () => {
    process.env.ERP_TOKEN = TOKEN
    const set = await runCli(
      'service',
      'settings',
      'erp.sync',
      '--set',
      'erpUrl=https://erp.example.com/api',
      '--set',
      'batchSize=50',
      '--set-env',
      'erpToken=ERP_TOKEN',
      '--set-env',
      'webhookSecret=ERP_TOKEN',
    )
    expect(set.code).toBe(0)
    expect(set.out).toMatch(/erpUrl\s+https:\/\/erp\.example\.com\/api\s+Base URL of the ERP/)
    expect(set.out).toMatch(/batchSize\s+50/)
    expect(set.out).toMatch(/erpToken\s+\(secret, set\)/)
    expect(set.out).toMatch(/webhookSecret\s+\(secret, set\)\s+Signs webhooks/)
    expect(set.out).not.toContain(TOKEN)

    const run = await runCli('invoke', 'erp.sync', '--input', '{}')
    expect(run.err).toBe('')
    expect(JSON.parse(run.out)).toEqual({
      url: 'https://erp.example.com/api',
      batchSize: 50,
      tokenLength: TOKEN.length,
    })
    // Sealed at rest.
    expect(readFileSync(join(home, DATABASE_FILE)).includes(Buffer.from(TOKEN))).toBe(false)
  })

  it('refuses a value the schema rejects and changes nothing', async () => {
    const bad = await runCli('service', 'settings', 'erp.sync', '--set', 'batchSize=-3')
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/batchSize .*nothing was changed/)
    const shown = await runCli('service', 'settings', 'erp.sync', '--json')
    const view = JSON.parse(shown.out) as { key: string; value?: unknown }[]
    expect(view.find((v) => v.key === 'batchSize')?.value).toBe(50)
    expect(shown.out).not.toContain(TOKEN)
  })

  it('unsets a value, and the default of the schema applies again', async () => {
    expect((await runCli('service', 'settings', 'erp.sync', '--unset', 'batchSize')).code).toBe(0)
    const run = await runCli('invoke', 'erp.sync', '--input', '{}')
    expect(JSON.parse(run.out)).toMatchObject({ batchSize: 200 })
  })
})
