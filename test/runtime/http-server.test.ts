import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, createRuntime, type Runtime } from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-runtime-'))
const servicesDir = join(dir, 'home', 'services')
const logLines: string[] = []
// Shared with the 'waiter' service file through a global: the file is loaded as its own module.
const waiterState = { started: false, aborted: false }
;(globalThis as { __waiter?: typeof waiterState }).__waiter = waiterState
let store: Store
let runtime: Runtime
let base: string
let apiKey: string

// Service files live in FORCEBRIDGE_HOME/services, outside the package, and import only from
// 'forcebridge'; no package.json above them, so tsx compiles them as CommonJS.
const serviceFiles: Record<string, string> = {
  'echo.ts': `import { defineService, z } from 'forcebridge'
export default defineService({
  name: 'echo',
  input: z.object({ name: z.string().min(1), count: z.number().int().optional() }),
  handle: ({ input, correlationId }) => ({ ...input, correlationId }),
})`,
  'misc.js': `import { defineService, z } from 'forcebridge'
export const boom = defineService({
  name: 'boom',
  input: z.unknown(),
  handle() { throw new Error('database password is hunter2-in-the-stack') },
})
export const slow = defineService({
  name: 'slow',
  input: z.unknown(),
  timeoutMs: 50,
  handle: ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve('late'))),
})
export const nowhere = defineService({
  name: 'nowhere',
  input: z.unknown(),
  handle: ({ salesforce }) => salesforce('No Such Connection').get('/limits'),
})
export const waiter = defineService({
  name: 'waiter',
  input: z.unknown(),
  handle: ({ signal }) => {
    globalThis.__waiter.started = true
    return new Promise((resolve) => signal.addEventListener('abort', () => { globalThis.__waiter.aborted = true; resolve(null) }))
  },
})
export const outer = defineService({
  name: 'outer',
  input: z.object({ name: z.string() }),
  handle: ({ input, invoke }) => invoke('echo', { name: input.name.toUpperCase() }),
})`,
  'broken.ts': `import { defineService } from 'forcebridge'
export default defineService({ name: 'broken', input: 42 as never, handle: ( => 1 })`,
}

beforeAll(async () => {
  mkdirSync(servicesDir, { recursive: true })
  for (const [name, text] of Object.entries(serviceFiles))
    writeFileSync(join(servicesDir, name), text)
  store = await openStore({ home: join(dir, 'home') })
  const log = createLogger({
    level: 'info',
    destination: { write: (l: string) => void logLines.push(l) },
  })
  runtime = await createRuntime({ store, log, serviceFolders: [servicesDir] })
  const { definition, key } = await store.security.createApiKey('test')
  apiKey = key
  const secured = definition.id
  await store.channels.add({
    method: 'POST',
    path: '/api/echo',
    service: 'echo',
    securityDefinitionId: secured,
  })
  await store.channels.add({
    method: 'GET',
    path: '/api/echo/:name',
    service: 'echo',
    securityDefinitionId: null,
  })
  for (const s of ['boom', 'slow', 'nowhere', 'outer', 'waiter']) {
    await store.channels.add({
      method: 'POST',
      path: `/api/${s}`,
      service: s,
      securityDefinitionId: null,
    })
  }
  await store.channels.add({
    method: 'POST',
    path: '/api/ghost',
    service: 'ghost',
    securityDefinitionId: null,
  })
  base = await runtime.listen('127.0.0.1', 0)
})

afterAll(async () => {
  await runtime?.close()
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

describe('runtime HTTP channels', () => {
  it('loads service files that import forcebridge, and reports the broken one', () => {
    expect(runtime.registry.list().map((s) => s.service.name)).toEqual([
      'boom',
      'echo',
      'nowhere',
      'outer',
      'slow',
      'waiter',
    ])
    expect(runtime.loadReport.failed.map((f) => f.file)).toEqual([join(servicesDir, 'broken.ts')])
  })

  it('answers a valid call with the X-API-Key header or a Bearer token', async () => {
    const ways: Record<string, string>[] = [
      { 'x-api-key': apiKey },
      { authorization: `Bearer ${apiKey}` },
    ]
    for (const headers of ways) {
      const res = await post('/api/echo', { name: 'Ada', count: 2 }, headers)
      expect(res.status).toBe(200)
      const body = (await res.json()) as Record<string, unknown>
      expect(body).toMatchObject({ name: 'Ada', count: 2 })
      expect(body.correlationId).toBe(res.headers.get('x-correlation-id'))
    }
  })

  it('refuses a missing or wrong API key with 401 and no detail', async () => {
    const ways: Record<string, string>[] = [
      {},
      { 'x-api-key': apiKey + 'x' },
      { authorization: 'Bearer nope' },
    ]
    for (const headers of ways) {
      const res = await post('/api/echo', { name: 'Ada' }, headers)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ error: 'UNAUTHORIZED' })
    }
  })

  it('answers bad input with 400 and each issue', async () => {
    const res = await post('/api/echo', { name: '', count: 1.5 }, { 'x-api-key': apiKey })
    expect(res.status).toBe(400)
    const body = (await res.json()) as {
      error: string
      issues: { path: string; message: string }[]
    }
    expect(body.error).toBe('INVALID_INPUT')
    expect(body.issues.map((i) => i.path).sort()).toEqual(['count', 'name'])
  })

  it('answers malformed JSON with 400', async () => {
    const res = await fetch(base + '/api/outer', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'BAD_REQUEST' })
  })

  it('answers a URL it cannot decode with 400 in the same shape', async () => {
    const res = await fetch(base + '/api/%E0%A4%A')
    expect(res.status).toBe(400)
    const body = (await res.json()) as Record<string, unknown>
    expect(body.error).toBe('BAD_REQUEST')
    expect(body.message).toMatch(/not a valid url/)
    expect(res.headers.get('x-correlation-id')).toBeTruthy()
  })

  it('passes path parameters as input', async () => {
    const res = await fetch(base + '/api/echo/J%C3%BCrgen')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ name: 'Jürgen' })
  })

  it('invokes another service in process', async () => {
    const res = await post('/api/outer', { name: 'grace' })
    expect(await res.json()).toMatchObject({ name: 'GRACE' })
  })

  it('hides a bug behind 500 and a correlation id, and logs it', async () => {
    const res = await post('/api/boom', {})
    expect(res.status).toBe(500)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toEqual({
      error: 'INTERNAL_ERROR',
      correlationId: res.headers.get('x-correlation-id'),
    })
    expect(
      logLines.some((l) => l.includes(String(body.correlationId)) && l.includes('service failed')),
    ).toBe(true)
  })

  it('answers 504 when a service passes its timeout', async () => {
    const res = await post('/api/slow', {})
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ error: 'SERVICE_TIMEOUT' })
  })

  it('fails at once with a named error for a missing connection', async () => {
    const res = await post('/api/nowhere', {})
    expect(res.status).toBe(503)
    const body = (await res.json()) as { error: string; message: string }
    expect(body.error).toBe('CONNECTION_NOT_FOUND')
    expect(body.message).toContain("'No Such Connection'")
  })

  it('answers 503 for a channel whose service is not loaded, 404 for no channel', async () => {
    expect((await post('/api/ghost', {})).status).toBe(503)
    expect((await post('/api/none', {})).status).toBe(404)
  })

  it('answers /healthz', async () => {
    const res = await fetch(base + '/healthz')
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('never logs the API key', async () => {
    await post(
      '/api/echo',
      { name: 'x' },
      { 'x-api-key': apiKey, authorization: `Bearer ${apiKey}` },
    )
    expect(logLines.length).toBeGreaterThan(0)
    expect(logLines.join('')).not.toContain(apiKey)
  })
})

describe('a caller that goes away', () => {
  it('aborts the service signal', async () => {
    const controller = new AbortController()
    const pending = fetch(base + '/api/waiter', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: controller.signal,
    }).catch(() => 'aborted')
    await expect.poll(() => waiterState.started).toBe(true)
    controller.abort()
    expect(await pending).toBe('aborted')
    await expect.poll(() => waiterState.aborted).toBe(true)
  })
})
