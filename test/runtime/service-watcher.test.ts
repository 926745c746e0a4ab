// Hot deploy against a real runtime: service files written to, changed in and deleted from a
// temp FORCEBRIDGE_HOME/services folder change what a REST channel answers, without a restart.
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createLogger,
  createRuntime,
  linkPublicEntry,
  ServiceCatalog,
  ServiceRegistry,
  ServiceWatcher,
  type Runtime,
  type ServiceFileEvent,
} from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-hot-deploy-'))
const home = join(dir, 'home')
const servicesDir = join(home, 'services')
const logLines: string[] = []
const events: ServiceFileEvent[] = []
let store: Store
let runtime: Runtime
let base: string

/** Retries `check` until it stops throwing (vitest's vi.waitFor), up to `timeout` ms. */
const waitFor = <T>(check: () => T | Promise<T>, timeout = 10_000): Promise<T> =>
  vi.waitFor(check, { timeout, interval: 25 })

async function greet(name: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/greet`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** Waits until the channel answers `expected` (the new version is serving). */
function answers(expected: string) {
  return waitFor(async () => {
    const { status, body } = await greet('Ada')
    expect({ status, greeting: body.greeting }).toEqual({ status: 200, greeting: expected })
  })
}

function greetService(body: string, imports = ''): string {
  return `import { defineService, z } from 'forcebridge'
${imports}
export default defineService({
  name: 'greet',
  input: z.object({ name: z.string() }),
  handle: ({ input }) => (${body}),
})`
}

const write = (name: string, text: string) => writeFileSync(join(servicesDir, name), text)
const failedFiles = () => runtime.loadReport.failed.map((f) => f.file)

beforeAll(async () => {
  mkdirSync(servicesDir, { recursive: true })
  store = await openStore({ home })
  const log = createLogger({
    level: 'info',
    destination: { write: (l: string) => void logLines.push(l) },
  })
  runtime = await createRuntime({
    store,
    log,
    serviceFolders: [servicesDir],
    async: { concurrency: 0, scheduler: false },
  })
  runtime.serviceCatalog.onEvent((e) => events.push(e))
  await store.channels.add({
    method: 'POST',
    path: '/api/greet',
    service: 'greet',
    securityDefinitionId: null,
  })
  base = await runtime.listen('127.0.0.1', 0)
})

afterAll(async () => {
  await runtime?.close()
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('hot deploy of service files', () => {
  it('answers 503 on the channel before the service file exists', async () => {
    const { status, body } = await greet('Ada')
    expect(status).toBe(503)
    expect(body.error).toBe('SERVICE_NOT_FOUND')
  })

  it('loads a new file: its service answers', async () => {
    write('greet.ts', greetService("{ greeting: 'hello ' + input.name }"))
    await answers('hello Ada')
    expect(runtime.loadReport.loaded).toEqual([
      { file: join(servicesDir, 'greet.ts'), services: ['greet'] },
    ])
    expect(events.map((e) => e.kind)).toEqual(['loaded'])
  })

  it('reloads a changed file, and the local helper module it imports, fresh', async () => {
    mkdirSync(join(servicesDir, 'lib'), { recursive: true })
    writeFileSync(join(servicesDir, 'lib', 'words.ts'), `export const WORD = 'hi'\n`)
    const text = greetService(
      "{ greeting: WORD + ' ' + input.name }",
      "import { WORD } from './lib/words.js'",
    )
    write('greet.ts', text)
    await answers('hi Ada')
    // The helper alone changed: saving the service file again gives its new version too.
    writeFileSync(join(servicesDir, 'lib', 'words.ts'), `export const WORD = 'hey'\n`)
    write('greet.ts', text)
    await answers('hey Ada')
    expect(events.at(-1)).toMatchObject({ kind: 'reloaded', services: ['greet'] })
    expect(logLines.some((l) => l.includes('"msg":"service file reloaded"'))).toBe(true)
  })

  it('reports a broken file while the previous version answers, and stays ready', async () => {
    const file = join(servicesDir, 'greet.ts')
    write('greet.ts', greetService('{ greeting: ( => 1 }'))
    await waitFor(() => expect(failedFiles()).toEqual([file]))
    const failure = runtime.serviceCatalog.status().find((s) => s.file === file)
    expect(failure?.services).toEqual(['greet'])
    expect(failure?.error?.message).toMatch(/greet\.ts/)
    expect(await greet('Ada')).toMatchObject({ status: 200, body: { greeting: 'hey Ada' } })
    // The old version serves, so the server stays in rotation.
    expect((await fetch(`${base}/readyz`)).status).toBe(200)
    const metrics = await (await fetch(`${base}/metrics`)).text()
    expect(metrics).toContain('forcebridge_service_files{state="stale"} 1')
    expect(metrics).toContain('forcebridge_service_files{state="failed"} 0')
    const logged = logLines.find((l) => l.includes('service file failed'))
    expect(logged).toContain('greet.ts')
    expect(logged).toContain('the previous version keeps serving')
  })

  it('reports a file that throws while it loads, and one whose service name is taken', async () => {
    write('throws.ts', `throw new Error('missing setting INVOICE_PREFIX')\n`)
    write(
      'other.ts',
      `import { defineService, z } from 'forcebridge'
export default defineService({ name: 'greet', input: z.unknown(), handle: () => ({ greeting: 'impostor' }) })`,
    )
    await waitFor(() =>
      expect(failedFiles()).toEqual(
        ['greet.ts', 'other.ts', 'throws.ts'].map((f) => join(servicesDir, f)),
      ),
    )
    const errors = Object.fromEntries(
      runtime.loadReport.failed.map((f) => [f.file.slice(servicesDir.length + 1), f.error]),
    )
    expect(errors['throws.ts']?.message).toContain('missing setting INVOICE_PREFIX')
    expect(errors['other.ts']).toMatchObject({ code: 'SERVICE_EXISTS' })
    expect(await greet('Ada')).toMatchObject({ status: 200, body: { greeting: 'hey Ada' } })
    // Files that never loaded serve nothing: not ready, naming them.
    const ready = await fetch(`${base}/readyz`)
    expect(ready.status).toBe(503)
    const body = JSON.stringify(await ready.json())
    expect(body).toContain(join(servicesDir, 'throws.ts'))
    expect(body).not.toContain(join(servicesDir, 'greet.ts'))
    unlinkSync(join(servicesDir, 'throws.ts'))
    unlinkSync(join(servicesDir, 'other.ts'))
    await waitFor(() => expect(failedFiles()).toEqual([join(servicesDir, 'greet.ts')]))
  })

  it('serves a fixed file again and becomes ready', async () => {
    write('greet.ts', greetService("{ greeting: 'welcome ' + input.name }"))
    await answers('welcome Ada')
    expect(failedFiles()).toEqual([])
    await waitFor(async () => expect((await fetch(`${base}/readyz`)).status).toBe(200))
  })

  it('removes the services of a deleted file: 503 SERVICE_NOT_FOUND on its channel', async () => {
    unlinkSync(join(servicesDir, 'greet.ts'))
    await waitFor(async () => {
      const { status, body } = await greet('Ada')
      expect({ status, error: body.error }).toEqual({ status: 503, error: 'SERVICE_NOT_FOUND' })
    })
    expect(runtime.registry.get('greet')).toBeUndefined()
    expect(runtime.serviceCatalog.status()).toEqual([])
    expect(events.at(-1)).toMatchObject({ kind: 'removed', services: ['greet'] })
  })

  it('loads a .js file too', async () => {
    write('greet.mjs', greetService("{ greeting: 'from js ' + input.name }"))
    await answers('from js Ada')
    unlinkSync(join(servicesDir, 'greet.mjs'))
    await waitFor(() => expect(runtime.registry.get('greet')).toBeUndefined())
  })
  it('follows a renamed file, and gives a taken name to the file that wanted it once it is free', async () => {
    const moved = (greeting: string) => `import { defineService, z } from 'forcebridge'
export default defineService({ name: 'moved', input: z.unknown(), handle: () => ${JSON.stringify(greeting)} })`
    const sourceOf = () => runtime.registry.list().find((e) => e.service.name === 'moved')?.source
    write('a.ts', moved('from a'))
    await waitFor(() => expect(sourceOf()).toBe(join(servicesDir, 'a.ts')))
    renameSync(join(servicesDir, 'a.ts'), join(servicesDir, 'b.ts'))
    await waitFor(() => {
      expect(sourceOf()).toBe(join(servicesDir, 'b.ts'))
      expect(runtime.serviceCatalog.status().map((s) => s.file)).toEqual([
        join(servicesDir, 'b.ts'),
      ])
    })
    expect(failedFiles()).toEqual([])
    write('c.ts', moved('from c'))
    await waitFor(() => expect(failedFiles()).toEqual([join(servicesDir, 'c.ts')]))
    unlinkSync(join(servicesDir, 'b.ts'))
    await waitFor(() => expect(sourceOf()).toBe(join(servicesDir, 'c.ts')))
    expect(failedFiles()).toEqual([])
    expect(await runtime.invoker.invoke('moved', {})).toBe('from c')
    unlinkSync(join(servicesDir, 'c.ts'))
    await waitFor(() => expect(runtime.serviceCatalog.status()).toEqual([]))
  })
})

describe('service watcher', () => {
  it('loads a folder created after the start, and drops its services when it is deleted', async () => {
    // Inside FORCEBRIDGE_HOME, whose package.json and node_modules link resolve 'forcebridge'.
    linkPublicEntry(home)
    const folder = join(home, 'later')
    const registry = new ServiceRegistry()
    const catalog = new ServiceCatalog(registry, createLogger({ level: 'silent' }))
    const watcher = await ServiceWatcher.start({
      folders: [folder],
      catalog,
      log: createLogger({ level: 'silent' }),
      pollMs: 20,
    })
    try {
      expect(catalog.status()).toEqual([])
      mkdirSync(folder)
      writeFileSync(
        join(folder, 'ping.ts'),
        `import { defineService, z } from 'forcebridge'
export default defineService({ name: 'ping', input: z.unknown(), handle: () => 'pong' })`,
      )
      await waitFor(() => expect(registry.get('ping')).toBeDefined())
      rmSync(folder, { recursive: true })
      await waitFor(() => expect(registry.get('ping')).toBeUndefined())
      // Watched again once it is back.
      mkdirSync(folder)
      writeFileSync(
        join(folder, 'ping.ts'),
        `import { defineService, z } from 'forcebridge'
export default defineService({ name: 'ping', input: z.unknown(), handle: () => 'pong' })`,
      )
      await waitFor(() => expect(registry.get('ping')).toBeDefined())
    } finally {
      await watcher.close()
    }
  })

  it('fails a file whose top-level code never finishes, and goes on with the others', async () => {
    linkPublicEntry(home)
    const folder = join(home, 'stuck')
    mkdirSync(folder)
    writeFileSync(
      join(folder, 'a-hangs.ts'),
      `await new Promise(() => {})
export {}`,
    )
    writeFileSync(
      join(folder, 'b-fine.ts'),
      `import { defineService, z } from 'forcebridge'
export default defineService({ name: 'fine', input: z.unknown(), handle: () => 'ok' })`,
    )
    const registry = new ServiceRegistry()
    const catalog = new ServiceCatalog(registry, createLogger({ level: 'silent' }), {
      loadTimeoutMs: 300,
    })
    await catalog.scan(folder)
    const [hangs, fine] = catalog.status()
    expect(hangs?.error).toMatchObject({ code: 'SERVICE_LOAD_TIMEOUT' })
    expect(hangs?.error?.message).toMatch(/a-hangs\.ts did not finish loading within 300 ms/)
    expect(fine).toMatchObject({ services: ['fine'], error: null })
    expect(registry.get('fine')).toBeDefined()
  })
})
