import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  createLogger,
  createRuntime,
  defineService,
  loadConfig,
  type Runtime,
} from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { testDatabase } from '../fixtures/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-channel-limits-'))
let store: Store
let runtime: Runtime
let base: string
let apiKey: string
let limitedId: string

/** A service that answers only when `release` is called (or aborts with its signal). */
function gatedService(name: string) {
  const gate = { started: 0, aborted: 0, release: () => {} }
  const released = new Promise<void>((resolve) => (gate.release = resolve))
  const service = defineService({
    name,
    input: z.unknown(),
    handle: ({ signal }) => {
      gate.started++
      signal.addEventListener('abort', () => gate.aborted++)
      return released.then(() => ({ done: true }))
    },
  })
  return { gate, service }
}

const echo = defineService({
  name: 'echo',
  input: z.object({ text: z.string() }),
  handle: ({ input }) => ({ length: input.text.length }),
})

/** Never answers by itself: only its signal (a timeout) ends it. Its own timeout is 30 s. */
const stuck = defineService({
  name: 'stuck',
  input: z.unknown(),
  handle: ({ signal }) =>
    new Promise((resolve) => signal.addEventListener('abort', () => resolve('late'))),
})

async function startRuntime(home: string, options: { shutdownTimeoutMs?: number } = {}) {
  const s = await openStore({ home, ...(await testDatabase(home)) })
  const r = await createRuntime({
    store: s,
    log: createLogger({ level: 'silent' }),
    watch: false,
    async: { concurrency: 0, scheduler: false },
    ...options,
  })
  return { store: s, runtime: r }
}

beforeAll(async () => {
  ;({ store, runtime } = await startRuntime(join(dir, 'home')))
  runtime.registry.register(echo)
  runtime.registry.register(stuck)
  const api = await store.security.createApiKey('limits')
  apiKey = api.key
  await store.channels.add({
    method: 'POST',
    path: '/api/small',
    service: 'echo',
    securityDefinitionId: null,
    maxBodyBytes: 100,
  })
  await store.channels.add({
    method: 'POST',
    path: '/api/default-size',
    service: 'echo',
    securityDefinitionId: null,
  })
  const limited = await store.channels.add({
    method: 'POST',
    path: '/api/limited',
    service: 'echo',
    securityDefinitionId: api.definition.id,
    rateLimit: { requests: 3, perSeconds: 1 },
  })
  limitedId = limited.id
  await store.channels.add({
    method: 'POST',
    path: '/api/stuck',
    service: 'stuck',
    securityDefinitionId: null,
    timeoutMs: 200,
  })
  base = await runtime.listen('127.0.0.1', 0)
})

afterAll(async () => {
  await runtime?.close()
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

function post(url: string, body: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })
}

describe('maxBodyBytes', () => {
  it('passes a body under the limit and refuses one over it with 413', async () => {
    const ok = await post(`${base}/api/small`, JSON.stringify({ text: 'x'.repeat(50) }))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ length: 50 })

    const big = await post(`${base}/api/small`, JSON.stringify({ text: 'x'.repeat(200) }))
    expect(big.status).toBe(413)
    const body = (await big.json()) as { error: string; message: string }
    expect(body.error).toBe('PAYLOAD_TOO_LARGE')
    expect(body.message).toContain('limit of 100 bytes')
  })

  it('counts a chunked body, which declares no length', async () => {
    const chunks = ['{"text":"', 'y'.repeat(80), 'y'.repeat(80), '"}']
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c))
        controller.close()
      },
    })
    const res = await fetch(`${base}/api/small`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: 'PAYLOAD_TOO_LARGE' })
  })

  it('allows 1 MiB by default, and follows an edited limit at once', async () => {
    const text = 'z'.repeat(600_000)
    expect((await post(`${base}/api/default-size`, JSON.stringify({ text }))).status).toBe(200)
    const twoMiB = JSON.stringify({ text: 'z'.repeat(2 * 1024 * 1024) })
    expect((await post(`${base}/api/default-size`, twoMiB)).status).toBe(413)
    const channel = await store.channels.find('POST', '/api/default-size')
    await store.channels.update(channel?.id ?? '', { maxBodyBytes: 3 * 1024 * 1024 })
    expect((await post(`${base}/api/default-size`, twoMiB)).status).toBe(200)
  })
})

describe('rateLimit', () => {
  it('answers 429 with Retry-After past N calls, counting only authenticated ones, then allows again', async () => {
    // Calls without the key are refused and do not spend the allowance.
    for (let i = 0; i < 5; i++) {
      expect((await post(`${base}/api/limited`, '{"text":"no key"}')).status).toBe(401)
    }
    const auth = { 'x-api-key': apiKey }
    const remaining: (string | null)[] = []
    for (let i = 0; i < 3; i++) {
      const res = await post(`${base}/api/limited`, '{"text":"ok"}', auth)
      expect(res.status).toBe(200)
      remaining.push(res.headers.get('ratelimit-remaining'))
    }
    expect(remaining).toEqual(['2', '1', '0'])

    const refused = await post(`${base}/api/limited`, '{"text":"one too many"}', auth)
    expect(refused.status).toBe(429)
    expect(await refused.json()).toMatchObject({ error: 'RATE_LIMITED' })
    const retryAfter = refused.headers.get('retry-after') ?? ''
    expect(retryAfter).toMatch(/^\d+$/)
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)

    await expect
      .poll(async () => (await post(`${base}/api/limited`, '{"text":"later"}', auth)).status, {
        timeout: 5000,
        interval: 100,
      })
      .toBe(200)
  })

  it('is lifted when the channel no longer has one', async () => {
    await store.channels.update(limitedId, { rateLimit: null })
    const auth = { 'x-api-key': apiKey }
    for (let i = 0; i < 6; i++) {
      const res = await post(`${base}/api/limited`, '{"text":"free"}', auth)
      expect(res.status).toBe(200)
      expect(res.headers.get('ratelimit-limit')).toBeNull()
    }
  })
})

describe('timeoutMs', () => {
  it("answers 504 at the channel's timeout, well before the service's own", async () => {
    const res = await post(`${base}/api/stuck`, '{}')
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ error: 'SERVICE_TIMEOUT' })
  })
})

describe('graceful drain', () => {
  it('takes its timeout from FORCEBRIDGE_SHUTDOWN_TIMEOUT_MS (default 30 s)', () => {
    expect(loadConfig({}).shutdownTimeoutMs).toBe(30_000)
    expect(loadConfig({ FORCEBRIDGE_SHUTDOWN_TIMEOUT_MS: '5000' }).shutdownTimeoutMs).toBe(5000)
    expect(() => loadConfig({ FORCEBRIDGE_SHUTDOWN_TIMEOUT_MS: 'soon' })).toThrow(
      /FORCEBRIDGE_SHUTDOWN_TIMEOUT_MS must be a number/,
    )
  })

  it('lets a running call finish with 200 while close() runs, and refuses new calls', async () => {
    const { store: s, runtime: r } = await startRuntime(join(dir, 'drain'))
    const { gate, service } = gatedService('hold')
    r.registry.register(service)
    r.registry.register(echo)
    await s.channels.add({
      method: 'POST',
      path: '/hold',
      service: 'hold',
      securityDefinitionId: null,
    })
    await s.channels.add({
      method: 'POST',
      path: '/echo',
      service: 'echo',
      securityDefinitionId: null,
    })
    const url = await r.listen('127.0.0.1', 0)
    try {
      const running = post(`${url}/hold`, '{}')
      await expect.poll(() => gate.started).toBe(1)
      let closed = false
      const closing = r.close().then(() => (closed = true))

      // A new call while draining: no new connection is accepted (or, on a socket still open,
      // a 503); either way the service is not run.
      const late = await post(`${url}/echo`, '{"text":"late"}').then(
        (res) => res.status,
        () => 'refused',
      )
      expect([503, 'refused']).toContain(late)
      expect(closed).toBe(false)

      gate.release()
      const res = await running
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ done: true })
      await closing
      expect(gate.aborted).toBe(0)
    } finally {
      gate.release()
      await r.close().catch(() => undefined)
      await s.close()
    }
  })

  it('aborts calls still running at the shutdown timeout with 503', async () => {
    const { store: s, runtime: r } = await startRuntime(join(dir, 'drain-timeout'), {
      shutdownTimeoutMs: 300,
    })
    const { gate, service } = gatedService('forever')
    r.registry.register(service)
    await s.channels.add({
      method: 'POST',
      path: '/forever',
      service: 'forever',
      securityDefinitionId: null,
    })
    const url = await r.listen('127.0.0.1', 0)
    try {
      const running = post(`${url}/forever`, '{}')
      await expect.poll(() => gate.started).toBe(1)
      await r.close()
      const res = await running
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ error: 'SHUTTING_DOWN' })
      expect(gate.aborted).toBe(1)
    } finally {
      gate.release()
      await s.close()
    }
  })
})
