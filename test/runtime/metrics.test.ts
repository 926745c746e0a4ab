// Metrics, health and readiness as an operator sees them: a Fastify server with the metrics
// plugin, a real client calling the emulator, and a real SQLite job queue, scraped over HTTP.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { createJobBackend, type JobBackend } from '../../src/runtime/index.js'
import {
  createMetrics,
  metricsPlugin,
  readinessChecks,
  setRouteLabel,
  type Metrics,
} from '../../src/runtime/metrics/index.js'
import { createClient, type SalesforceClient } from '../../src/salesforce/index.js'
import { openStore, type Store } from '../../src/store/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-metrics-'))
let emulator: EmulatorHandle
let store: Store
let jobs: JobBackend
let metrics: Metrics
let app: FastifyInstance
let base: string
let servicesLoaded = true
const clients: SalesforceClient[] = []

function demoClient(): SalesforceClient {
  const client = createClient({
    loginUrl: emulator.url,
    name: 'crm',
    auth: {
      flow: 'password',
      username: 'my.user@example.com',
      password: 'my.password',
      securityToken: 'DemoSecurityToken01',
      clientId: '3MVG9forcebridge.demo.consumer.key',
      clientSecret: 'forcebridge-demo-consumer-secret',
    },
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  })
  clients.push(client)
  return client
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, org: 'examples/demo-org.yaml' })
  store = await openStore({ home: join(dir, 'home') })
  jobs = createJobBackend(store)
  metrics = createMetrics()
  metrics.observeQueue(jobs.queue)
  app = Fastify()
  // Routes first and the plugin last, as the runtime wires it: the hook still sees them all.
  app.get('/orders/:id', async (req, reply) => {
    const { id } = req.params as { id: string }
    return /^\d+$/.test(id) ? { id } : reply.code(404).send({ error: 'NOT_FOUND' })
  })
  // As the runtime's channels do: one catch-all route, the channel named by its router.
  app.post('/channels/*', (req, reply) => {
    setRouteLabel(req, '/channels/:name')
    return reply.send({ ok: true })
  })
  await app.register(
    metricsPlugin(metrics, {
      ready: readinessChecks(
        {
          store: () => store.ping(),
          services: () => {
            if (!servicesLoaded) throw new Error('1 service file failed to load')
          },
        },
        { timeoutMs: 1_000 },
      ),
    }),
  )
  base = await app.listen({ host: '127.0.0.1', port: 0 })
})

afterAll(async () => {
  await app?.close()
  await Promise.all(clients.map((c) => c.close()))
  await store?.close()
  await emulator?.close()
  rmSync(dir, { recursive: true, force: true })
})

interface Series {
  name: string
  labels: Record<string, string>
  value: number
}

async function scrape(): Promise<Series[]> {
  const res = await fetch(`${base}/metrics`)
  expect(res.status).toBe(200)
  const series: Series[] = []
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m?.[1] || !m[3]) continue
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      if (l[1] !== undefined && l[2] !== undefined) labels[l[1]] = l[2]
    }
    series.push({ name: m[1], labels, value: Number(m[3]) })
  }
  return series
}

/** The value of the one series with exactly these labels, or undefined when there is none. */
function valueOf(
  series: Series[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const want = Object.entries(labels)
  return series.find(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === want.length &&
      want.every(([k, v]) => s.labels[k] === v),
  )?.value
}

describe('metrics endpoint', () => {
  it('serves the Prometheus text format with process metrics under the forcebridge_ prefix', async () => {
    const res = await fetch(`${base}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    const text = await res.text()
    expect(text).toContain('# TYPE forcebridge_http_requests_total counter')
    expect(text).toMatch(/^forcebridge_process_cpu_user_seconds_total \d/m)
  })

  it('counts requests by route pattern and status, never by raw URL', async () => {
    for (const path of ['/orders/1', '/orders/2', '/orders/abc', '/no/such/path']) {
      await (await fetch(`${base}${path}`)).arrayBuffer()
    }
    const posted = await fetch(`${base}/channels/orders-sync`, { method: 'POST' })
    expect(posted.status).toBe(200)
    const series = await scrape()
    const requests = (labels: Record<string, string>) =>
      valueOf(series, 'forcebridge_http_requests_total', labels)
    expect(requests({ route: '/orders/:id', method: 'GET', status: '200' })).toBe(2)
    expect(requests({ route: '/orders/:id', method: 'GET', status: '404' })).toBe(1)
    expect(requests({ route: 'unmatched', method: 'GET', status: '404' })).toBe(1)
    expect(requests({ route: '/channels/:name', method: 'POST', status: '200' })).toBe(1)
    expect(
      valueOf(series, 'forcebridge_http_request_duration_seconds_count', {
        route: '/orders/:id',
        method: 'GET',
      }),
    ).toBe(3)
    const routes = series.flatMap((s) => (s.labels.route ? [s.labels.route] : []))
    expect(routes.some((r) => r.includes('/orders/1') || r.includes('orders-sync'))).toBe(false)
  })
})

describe('health and readiness', () => {
  it('answers /healthz with ok while the process lives', async () => {
    const res = await fetch(`${base}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('answers /readyz 200 when every check passes and 503 naming the failing one', async () => {
    const ok = await fetch(`${base}/readyz`)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ status: 'ready', checks: { store: 'ok', services: 'ok' } })

    servicesLoaded = false
    try {
      const failing = await fetch(`${base}/readyz`)
      expect(failing.status).toBe(503)
      expect(await failing.json()).toEqual({
        status: 'not ready',
        checks: { store: 'ok', services: 'failed: 1 service file failed to load' },
      })
    } finally {
      servicesLoaded = true
    }
  })

  it('fails a check that does not answer within its timeout', async () => {
    const ready = readinessChecks({ stuck: () => new Promise(() => undefined) }, { timeoutMs: 20 })
    expect(await ready()).toEqual({ ok: false, checks: { stuck: 'no answer within 20 ms' } })
  })
})

describe('Salesforce client metrics', () => {
  it('counts calls by connection and status, one login, and the API usage Salesforce reports', async () => {
    const client = demoClient()
    metrics.observeClient('crm', client)
    await Promise.all([client.get('limits'), client.get('sobjects'), client.get('limits')])
    const series = await scrape()
    expect(
      valueOf(series, 'forcebridge_salesforce_requests_total', {
        connection: 'crm',
        method: 'GET',
        status: '200',
      }),
    ).toBe(3)
    expect(
      valueOf(series, 'forcebridge_salesforce_logins_total', {
        connection: 'crm',
        flow: 'password',
        outcome: 'ok',
      }),
    ).toBe(1)
    expect(
      valueOf(series, 'forcebridge_salesforce_request_duration_seconds_count', {
        connection: 'crm',
        method: 'GET',
      }),
    ).toBe(3)
    // The figures of the last Sforce-Limit-Info header: the emulator's own count.
    const used = valueOf(series, 'forcebridge_salesforce_api_requests_used', { connection: 'crm' })
    expect(used).toBe(emulator.limits.used())
    expect(used).toBe(client.limits?.used)
    expect(valueOf(series, 'forcebridge_salesforce_api_requests_max', { connection: 'crm' })).toBe(
      15000,
    )
    expect(
      valueOf(series, 'forcebridge_salesforce_api_requests_remaining', { connection: 'crm' }),
    ).toBe(15000 - emulator.limits.used())
  })

  it('counts retries and the failed attempts by status', async () => {
    const client = demoClient()
    metrics.observeClient('flaky', client)
    await client.get('limits')
    emulator.faults.set({ errorRates: { serverUnavailable: 1 } })
    try {
      await expect(client.get('sobjects')).rejects.toThrow()
    } finally {
      emulator.faults.clear()
    }
    const series = await scrape()
    expect(
      valueOf(series, 'forcebridge_salesforce_requests_total', {
        connection: 'flaky',
        method: 'GET',
        status: '503',
      }),
    ).toBe(2)
    const retries = series.filter(
      (s) => s.name === 'forcebridge_salesforce_retries_total' && s.labels.connection === 'flaky',
    )
    expect(retries.reduce((sum, s) => sum + s.value, 0)).toBe(1)
  })

  it('follows only the newest client of a connection and drops its series when told to stop', async () => {
    const first = demoClient()
    const second = demoClient()
    metrics.observeClient('swap', first)
    const stop = metrics.observeClient('swap', second)
    await first.get('limits')
    await second.get('limits')
    let series = await scrape()
    const login = { connection: 'swap', flow: 'password', outcome: 'ok' }
    expect(valueOf(series, 'forcebridge_salesforce_logins_total', login)).toBe(1)
    expect(
      valueOf(series, 'forcebridge_salesforce_api_requests_used', { connection: 'swap' }),
    ).toBeGreaterThan(0)

    stop()
    await second.get('limits')
    series = await scrape()
    expect(valueOf(series, 'forcebridge_salesforce_logins_total', login)).toBe(1)
    expect(
      valueOf(series, 'forcebridge_salesforce_api_requests_used', { connection: 'swap' }),
    ).toBeUndefined()
  })
})

describe('job queue metrics', () => {
  it('reports queue depth by state and job outcomes by service', async () => {
    for (const n of [1, 2]) await jobs.queue.enqueue({ service: 'invoice.sync', input: { n } })
    await jobs.queue.enqueue({ service: 'invoice.broken', input: {}, maxAttempts: 1 })
    let series = await scrape()
    expect(valueOf(series, 'forcebridge_queue_jobs', { state: 'queued' })).toBe(3)
    expect(valueOf(series, 'forcebridge_queue_jobs', { state: 'succeeded' })).toBe(0)

    const runner = jobs.createRunner({
      pollMs: 5,
      onAttempt: (event) => metrics.onJobAttempt(event),
    })
    runner.start((job) =>
      job.service === 'invoice.broken'
        ? Promise.reject(new Error('no such invoice'))
        : Promise.resolve({ done: true }),
    )
    try {
      await runner.drain()
    } finally {
      await runner.stop()
    }

    series = await scrape()
    expect(valueOf(series, 'forcebridge_queue_jobs', { state: 'queued' })).toBe(0)
    expect(valueOf(series, 'forcebridge_queue_jobs', { state: 'succeeded' })).toBe(2)
    expect(valueOf(series, 'forcebridge_queue_jobs', { state: 'dead' })).toBe(1)
    const attempts = (labels: Record<string, string>) =>
      valueOf(series, 'forcebridge_job_attempts_total', labels)
    expect(attempts({ service: 'invoice.sync', outcome: 'succeeded' })).toBe(2)
    expect(attempts({ service: 'invoice.broken', outcome: 'dead' })).toBe(1)
    expect(
      valueOf(series, 'forcebridge_job_attempt_duration_seconds_count', {
        service: 'invoice.sync',
      }),
    ).toBe(2)
  })
})
