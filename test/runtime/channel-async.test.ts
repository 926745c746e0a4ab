// Asynchronous channel calls against a real runtime: `Prefer: respond-async` goes through the
// same admission and validation as a synchronous call, lands on the real SQLite queue, is run by
// the in-process worker, and is followed through its status URL.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  createLogger,
  createRuntime,
  defineService,
  type Runtime,
} from '../../src/runtime/index.js'
import { preferenceNames, prefersAsync } from '../../src/runtime/channels/channel-async.js'
import { openStore, type Store } from '../../src/store/index.js'
import { ForcebridgeError } from '../../src/index.js'
import { testDatabase } from '../fixtures/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-channel-async-'))
let store: Store
let runtime: Runtime
let base: string
let apiKey: string

/** Runs only when the test releases it, so the test sees the job queued or running first. */
const gate = { runs: 0, release: () => {} }
const released = new Promise<void>((resolve) => (gate.release = resolve))
const slow = defineService({
  name: 'erp.sync',
  input: z.object({ orderId: z.string(), secretNote: z.string().optional() }),
  handle: async ({ input }) => {
    gate.runs++
    await released
    return { synced: input.orderId }
  },
})

const count = defineService({
  name: 'count',
  input: z.object({ n: z.number() }),
  handle: ({ input }) => {
    return { n: input.n }
  },
})

/** Counts its runs, for the idempotency test alone (other tests' jobs may still be running). */
const once = { runs: 0 }
const countOnce = defineService({
  name: 'count.once',
  input: z.object({ n: z.number() }),
  handle: ({ input }) => {
    once.runs++
    return { n: input.n }
  },
})

const failing = defineService({
  name: 'rejects',
  input: z.unknown(),
  handle: () => {
    // Not retryable: the job goes dead at its first failure.
    throw Object.assign(new ForcebridgeError('ORDER_REJECTED', 'the ERP refused order A-1'), {
      retryable: false,
    })
  },
})

const flaky = defineService({
  name: 'flaky',
  input: z.unknown(),
  handle: () => {
    throw new ForcebridgeError('ERP_BUSY', 'the ERP is busy; try later')
  },
})

beforeAll(async () => {
  store = await openStore({ home: join(dir, 'home'), ...(await testDatabase(join(dir, 'home'))) })
  runtime = await createRuntime({
    store,
    log: createLogger({ level: 'silent' }),
    watch: false,
    async: { concurrency: 2, pollMs: 20, scheduler: false },
  })
  for (const s of [slow, count, countOnce, failing, flaky]) runtime.registry.register(s)
  const api = await store.security.createApiKey('async-partners')
  apiKey = api.key
  const channel = (path: string, service: string, extra: object = {}) =>
    store.channels.add({ method: 'POST', path, service, securityDefinitionId: null, ...extra })
  await channel('/erp/sync', 'erp.sync')
  await channel('/count', 'count')
  await channel('/once', 'count.once')
  await channel('/once-too', 'count.once')
  await channel('/rejects', 'rejects')
  await channel('/flaky', 'flaky')
  await channel('/guarded', 'count', { securityDefinitionId: api.definition.id })
  await channel('/limited', 'count', { rateLimit: { requests: 2, perSeconds: 3600 } })
  base = await runtime.listen('127.0.0.1', 0)
})

afterAll(async () => {
  gate.release()
  await runtime?.close()
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'respond-async', ...headers },
    body: JSON.stringify(body),
  })
}

interface Accepted {
  jobId: string
  state: string
  statusUrl: string
}

interface Status {
  jobId: string
  state: string
  attempts: number
  createdAt: string
  finishedAt: string | null
  output?: unknown
  error?: { code: string; message: string }
}

async function accepted(res: Response): Promise<Accepted> {
  expect(res.status).toBe(202)
  return (await res.json()) as Accepted
}

async function status(url: string): Promise<{ res: Response; body: Status }> {
  const res = await fetch(url)
  return { res, body: (await res.json()) as Status }
}

/** Long-polls the status URL (5 s at a time) until the job finished, then checks `done`. */
async function until(url: string, done: (s: Status) => boolean): Promise<Status> {
  for (let i = 0; i < 20; i++) {
    const { body } = await status(`${url}&wait=5`)
    if (body.state === 'succeeded' || body.state === 'dead') {
      expect(done(body)).toBe(true)
      return body
    }
  }
  throw new Error(`job at ${url} never finished`)
}

/** Polls the status URL without waiting, until `done` holds (for states that are not final). */
async function poll(url: string, done: (s: Status) => boolean): Promise<Status> {
  for (let i = 0; i < 500; i++) {
    const { body } = await status(url)
    if (done(body)) return body
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`job at ${url} never reached the expected state`)
}

const jobCount = async () => (await runtime.queue.list({ limit: 500 })).jobs.length

describe('Prefer: respond-async', () => {
  it('answers 202 with the job, follows it through its status URL, and returns the output', async () => {
    const res = await call(
      '/erp/sync',
      { orderId: 'A-1', secretNote: 'do-not-echo' },
      {
        prefer: 'return=minimal, respond-async; x="a,b", wait=5',
        'x-correlation-id': 'async-call-0001',
      },
    )
    const body = await accepted(res)
    expect(body.state).toBe('queued')
    expect(body.statusUrl).toMatch(
      new RegExp(`^${base}/jobs/${body.jobId}\\?token=[A-Za-z0-9_-]{43}$`),
    )
    expect(res.headers.get('location')).toBe(body.statusUrl)
    expect(res.headers.get('preference-applied')).toBe('respond-async')
    expect(res.headers.get('x-correlation-id')).toBe('async-call-0001')

    // The worker takes it and waits at the gate: running (or still queued), with Retry-After.
    const before = await poll(body.statusUrl, (s) => s.state === 'running')
    expect(gate.runs).toBe(1)
    const first = await status(body.statusUrl)
    expect(first.body.state).toBe('running')
    expect(first.res.headers.get('retry-after')).toBe('1')
    expect(first.res.headers.get('cache-control')).toBe('no-store')
    expect(first.body.finishedAt).toBeNull()
    expect(first.body.output).toBeUndefined()
    expect(before.jobId).toBe(body.jobId)

    // A long poll that is waiting when the job finishes answers with the finished job.
    const polling = status(`${body.statusUrl}&wait=5`)
    gate.release()
    const done = await polling
    expect(done.res.status).toBe(200)
    expect(done.res.headers.get('retry-after')).toBeNull()
    expect(done.body).toMatchObject({
      jobId: body.jobId,
      state: 'succeeded',
      attempts: 1,
      output: { synced: 'A-1' },
    })
    expect(typeof done.body.finishedAt).toBe('string')
    expect(done.body.error).toBeUndefined()
    // Never the input: neither its fields nor its values.
    const text = JSON.stringify(done.body)
    expect(text).not.toContain('do-not-echo')
    expect(text).not.toContain('secretNote')
    expect(gate.runs).toBe(1)
    // The job carries the caller's correlation id into the worker's logs.
    expect((await runtime.queue.get(body.jobId))?.correlationId).toBe('async-call-0001')
  })

  it('refuses a bad input with 400 at once and queues nothing', async () => {
    const before = await jobCount()
    const res = await call('/count', { n: 'one' })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: string; issues: { path: string }[] }
    expect(body.error).toBe('INVALID_INPUT')
    expect(body.issues[0]?.path).toBe('n')
    expect(await jobCount()).toBe(before)
  })

  it('refuses a wrong or missing credential with 401 and queues nothing', async () => {
    const before = await jobCount()
    expect((await call('/guarded', { n: 1 }, { 'x-api-key': 'wrong-key-0123456789' })).status).toBe(
      401,
    )
    expect((await call('/guarded', { n: 1 })).status).toBe(401)
    expect(await jobCount()).toBe(before)
    const ok = await accepted(await call('/guarded', { n: 1 }, { 'x-api-key': apiKey }))
    expect((await until(ok.statusUrl, (s) => s.state === 'succeeded')).output).toEqual({ n: 1 })
  })

  it('counts asynchronous calls against the rate limit', async () => {
    const before = await jobCount()
    await accepted(await call('/limited', { n: 1 }))
    // A synchronous call shares the same budget.
    const sync = await fetch(`${base}/limited`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: 2 }),
    })
    expect(sync.status).toBe(200)
    const refused = await call('/limited', { n: 3 })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).not.toBeNull()
    expect(await jobCount()).toBe(before + 1)
  })

  it('returns the same job for a repeated Idempotency-Key, and runs the service once', async () => {
    const first = await accepted(await call('/once', { n: 7 }, { 'idempotency-key': 'order-7' }))
    await until(first.statusUrl, (s) => s.state === 'succeeded')
    const again = await accepted(await call('/once', { n: 7 }, { 'idempotency-key': 'order-7' }))
    expect(again.jobId).toBe(first.jobId)
    // The repeat says where the job is, not a fresh "queued".
    expect(again.state).toBe('succeeded')
    expect(once.runs).toBe(1)

    // Keys are per channel: the same key on another channel is another job.
    const other = await accepted(
      await call('/once-too', { n: 7 }, { 'idempotency-key': 'order-7' }),
    )
    expect(other.jobId).not.toBe(first.jobId)
    await until(other.statusUrl, (s) => s.state === 'succeeded')
    expect(once.runs).toBe(2)
  })

  it('refuses an Idempotency-Key that is empty, too long or not printable', async () => {
    const before = await jobCount()
    for (const key of ['x'.repeat(201), 'tab\tinside']) {
      const res = await call('/count', { n: 1 }, { 'idempotency-key': key })
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: 'INVALID_IDEMPOTENCY_KEY' })
    }
    expect(await jobCount()).toBe(before)
  })

  it('shows a failed job as dead with its error code', async () => {
    const job = await accepted(await call('/rejects', {}))
    const dead = await until(job.statusUrl, (s) => s.state === 'dead')
    expect(dead.error).toEqual({ code: 'ORDER_REJECTED', message: 'the ERP refused order A-1' })
    expect(dead.output).toBeUndefined()
    expect(typeof dead.finishedAt).toBe('string')
  })

  it('shows the last failed attempt while a job waits for its retry', async () => {
    const job = await accepted(await call('/flaky', {}))
    const retrying = await poll(job.statusUrl, (s) => s.attempts >= 1 && s.state === 'queued')
    expect(retrying.error).toEqual({ code: 'ERP_BUSY', message: 'the ERP is busy; try later' })
    expect(retrying.finishedAt).toBeNull()
    // A long poll of a job that does not finish in time answers with its state when the wait ends.
    const waited = await status(`${job.statusUrl}&wait=0.3`)
    expect(waited.res.status).toBe(200)
    expect(['queued', 'running']).toContain(waited.body.state)
    expect(waited.res.headers.get('retry-after')).toBe('1')
  })

  it('runs the call synchronously without the preference, ignoring Idempotency-Key', async () => {
    const res = await fetch(`${base}/count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'sync-1' },
      body: JSON.stringify({ n: 5 }),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('preference-applied')).toBeNull()
    expect(await res.json()).toEqual({ n: 5 })
  })
})

describe('GET /jobs/:id', () => {
  it('answers 404 with one body for a wrong token, no token, and an unknown job', async () => {
    const job = await accepted(await call('/count', { n: 9 }))
    const url = new URL(job.statusUrl)
    const token = url.searchParams.get('token') ?? ''
    const otherJob = await accepted(await call('/count', { n: 10 }))
    const otherToken = new URL(otherJob.statusUrl).searchParams.get('token') ?? ''
    const answers = await Promise.all(
      [
        `${base}/jobs/${job.jobId}?token=${token.slice(0, -1)}A`,
        `${base}/jobs/${job.jobId}?token=${otherToken}`,
        `${base}/jobs/${job.jobId}`,
        `${base}/jobs/${job.jobId}?token=`,
        `${base}/jobs/00000000-0000-4000-8000-000000000000?token=${token}`,
      ].map(async (u) => {
        const res = await fetch(u)
        return { status: res.status, body: await res.text() }
      }),
    )
    for (const a of answers) expect(a).toEqual(answers[0])
    expect(answers[0]?.status).toBe(404)
    expect(JSON.parse(answers[0]?.body ?? '{}')).toMatchObject({ error: 'NOT_FOUND' })
    // The right token still works.
    expect((await fetch(job.statusUrl)).status).toBe(200)
  })

  it('refuses a wait that is not a number of seconds', async () => {
    const job = await accepted(await call('/count', { n: 11 }))
    for (const wait of ['soon', '-1']) {
      const res = await fetch(`${job.statusUrl}&wait=${wait}`)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: 'BAD_REQUEST' })
    }
  })

  it('counts every status request under one route label', async () => {
    const job = await accepted(await call('/count', { n: 12 }))
    await fetch(job.statusUrl)
    await fetch(`${base}/jobs/not-a-job?token=x`)
    const metrics = await (await fetch(`${base}/metrics`)).text()
    expect(metrics).toMatch(
      /forcebridge_http_requests_total\{route="\/jobs\/:id",method="GET",status="200"\} \d+/,
    )
    expect(metrics).toMatch(
      /forcebridge_http_requests_total\{route="\/jobs\/:id",method="GET",status="404"\} \d+/,
    )
    expect(metrics).not.toContain(`route="/jobs/${job.jobId}"`)
  })

  it('keeps the status key sealed in the store', async () => {
    expect(await store.settings.get('async-status-key')).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })
})

describe('reserved paths', () => {
  it('refuses a channel at /jobs or under /jobs/', async () => {
    for (const path of ['/jobs', '/jobs/', '/jobs/:id', '/jobs/export']) {
      await expect(
        store.channels.add({ method: 'GET', path, service: 'count', securityDefinitionId: null }),
      ).rejects.toThrow(/reserved/)
    }
    // A path that merely starts with the same letters is fine.
    const ok = await store.channels.add({
      method: 'GET',
      path: '/jobsite',
      service: 'count',
      securityDefinitionId: null,
    })
    await store.channels.remove(ok.id)
  })
})

describe('the Prefer header', () => {
  it('finds respond-async among other preferences, quoted values and parameters', () => {
    expect(prefersAsync('respond-async')).toBe(true)
    expect(prefersAsync('Respond-Async')).toBe(true)
    expect(prefersAsync('wait=5, respond-async')).toBe(true)
    expect(prefersAsync(['return=minimal', 'respond-async'])).toBe(true)
    expect(prefersAsync('foo="respond-async"')).toBe(false)
    expect(prefersAsync('foo="a, respond-async"')).toBe(false)
    expect(prefersAsync('return=minimal')).toBe(false)
    expect(prefersAsync(undefined)).toBe(false)
    expect(preferenceNames('a=1;b="x,y", C ;d, e')).toEqual(['a', 'c', 'e'])
  })
})
