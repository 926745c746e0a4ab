// `forcebridge deploy` into a running server: the runtime watches FORCEBRIDGE_HOME/services
// (which does not exist when it starts), the CLI checks a file and renames it into place, and the
// server's REST channel answers with the deployed code. Broken files are refused, nothing copied.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createLogger, createRuntime, type Runtime } from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { runCli } from './fixtures/run-cli.js'
import { testDatabase } from '../fixtures/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-deploy-'))
const home = join(dir, 'home')
const servicesDir = join(home, 'services')
// The developer's working copy, outside FORCEBRIDGE_HOME.
const work = join(dir, 'work')
const savedHome = process.env.FORCEBRIDGE_HOME
let store: Store
let runtime: Runtime
let base: string

/** Retries `check` until it stops throwing (vitest's vi.waitFor), up to `timeout` ms. */
const waitFor = <T>(check: () => T | Promise<T>, timeout = 10_000): Promise<T> =>
  vi.waitFor(check, { timeout, interval: 25 })

async function hello(): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/hello`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Grace' }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

function serviceFile(file: string, name: string, greeting: string): string {
  const path = join(work, file)
  writeFileSync(
    path,
    `import { defineService, z } from 'forcebridge'
export default defineService({
  name: ${JSON.stringify(name)},
  input: z.object({ name: z.string() }),
  handle: ({ input }) => ({ message: ${JSON.stringify(greeting)} + ' ' + input.name }),
})
`,
  )
  return path
}

/** What the services folder holds, dot files (staged copies) included. */
const deployed = () => readdirSync(servicesDir).sort()

beforeAll(async () => {
  mkdirSync(work, { recursive: true })
  process.env.FORCEBRIDGE_HOME = home
  store = await openStore({ home, ...(await testDatabase(home)) })
  runtime = await createRuntime({
    store,
    log: createLogger({ level: 'silent' }),
    serviceFolders: [servicesDir],
    async: { concurrency: 0, scheduler: false },
  })
  await store.channels.add({
    method: 'POST',
    path: '/api/hello',
    service: 'hello',
    securityDefinitionId: null,
  })
  base = await runtime.listen('127.0.0.1', 0)
})

afterAll(async () => {
  if (savedHome === undefined) delete process.env.FORCEBRIDGE_HOME
  else process.env.FORCEBRIDGE_HOME = savedHome
  await runtime?.close()
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('forcebridge deploy', () => {
  it('deploys into a running server, creating the services folder; the channel answers', async () => {
    expect((await hello()).status).toBe(503)
    const { out, err, code } = await runCli('deploy', serviceFile('hello.ts', 'hello', 'Hello'))
    expect({ code, err }).toEqual({ code: 0, err: '' })
    expect(out).toContain(`deployed ${join(servicesDir, 'hello.ts')}`)
    expect(out).toContain('services: hello')
    expect(deployed()).toEqual(['hello.ts'])
    await waitFor(async () =>
      expect(await hello()).toEqual({ status: 200, body: { message: 'Hello Grace' } }),
    )
  })

  it('replaces a deployed file: the server answers with the new code', async () => {
    const { out, code } = await runCli('deploy', serviceFile('hello.ts', 'hello', 'Good day'))
    expect(code).toBe(0)
    expect(out).toContain(`replaced ${join(servicesDir, 'hello.ts')}`)
    await waitFor(async () => expect((await hello()).body).toEqual({ message: 'Good day Grace' }))
  })

  it('refuses a file with a syntax error: exit 1, its error, nothing copied', async () => {
    const file = join(work, 'broken.ts')
    writeFileSync(
      file,
      `import { defineService } from 'forcebridge'\nexport default defineService({ name: 'b', handle: ( => 1 })\n`,
    )
    const { err, code } = await runCli('deploy', file)
    expect(code).toBe(1)
    expect(err).toContain(`${file} does not load, so nothing was deployed`)
    expect(err).not.toContain('.deploy-')
    expect(deployed()).toEqual(['hello.ts'])
  })

  it('refuses a file that throws while it loads, and one that defines no service', async () => {
    const throws = join(work, 'throws.ts')
    writeFileSync(throws, `throw new Error('INVOICE_PREFIX is not set')\n`)
    const noService = join(work, 'plain.ts')
    writeFileSync(noService, `export const answer = 42\n`)
    const a = await runCli('deploy', throws)
    expect(a.code).toBe(1)
    expect(a.err).toContain('INVOICE_PREFIX is not set')
    const b = await runCli('deploy', noService)
    expect(b.code).toBe(1)
    expect(b.err).toContain('exports no service')
    expect(deployed()).toEqual(['hello.ts'])
  })

  it('refuses a service name that another deployed file serves', async () => {
    const { err, code } = await runCli('deploy', serviceFile('impostor.ts', 'hello', 'Boo'))
    expect(code).toBe(1)
    expect(err).toContain("service 'hello'")
    expect(err).toContain(join(servicesDir, 'hello.ts'))
    expect(deployed()).toEqual(['hello.ts'])
    expect((await hello()).body).toEqual({ message: 'Good day Grace' })
  })

  it('only checks with --dry-run, and names the target with --name', async () => {
    const file = serviceFile('draft.ts', 'welcome', 'Welcome')
    const dry = await runCli('deploy', file, '--dry-run')
    expect(dry.code).toBe(0)
    expect(dry.out).toContain('services: welcome')
    expect(dry.out).toContain('nothing copied')
    expect(deployed()).toEqual(['hello.ts'])
    const named = await runCli('deploy', file, '--name', 'welcome')
    expect(named.code).toBe(0)
    expect(deployed()).toEqual(['hello.ts', 'welcome.ts'])
    await waitFor(() => expect(runtime.registry.get('welcome')).toBeDefined())
    const bad = await runCli('deploy', file, '--name', '../escape.ts')
    expect(bad.code).toBe(1)
    expect(bad.err).toContain('--name ../escape.ts')
  })
})
