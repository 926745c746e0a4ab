// The runtime serves /metrics, /healthz and /readyz: a channel call and queued jobs against the
// emulator show up as the series an operator scrapes (apply after the runtime wiring of H10).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { createLogger, createRuntime, type Runtime } from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { addDemoConnection, writeInvoiceServices } from './fixtures/invoice-services.js'

const CONNECTION = 'My Salesforce Connection'
const dir = mkdtempSync(join(tmpdir(), 'fb-metrics-runtime-'))
const home = join(dir, 'home')
let emulator: EmulatorHandle
let store: Store
let runtime: Runtime
let base: string

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, org: 'examples/demo-org.yaml' })
  store = await openStore({ home })
  await addDemoConnection(store, CONNECTION, emulator.url)
  writeInvoiceServices(join(home, 'services'), CONNECTION)
  await store.channels.add({
    method: 'POST',
    path: '/invoices/:number',
    service: 'invoice.upsert',
    securityDefinitionId: null,
  })
  const log = createLogger({ level: 'silent' })
  runtime = await createRuntime({
    store,
    log,
    serviceFolders: [join(home, 'services')],
    async: { pollMs: 20, concurrency: 4 },
  })
  base = await runtime.listen('127.0.0.1', 0)
})

afterAll(async () => {
  await runtime?.close()
  await store?.close()
  await emulator?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('runtime metrics', () => {
  it('counts channel calls by channel path, Salesforce calls and logins, and job outcomes', async () => {
    for (const n of ['A-1', 'A-2']) {
      const res = await fetch(`${base}/invoices/${n}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 5 }),
      })
      expect(res.status).toBe(200)
    }
    await runtime.invoker.invoke('invoice.fanout', { count: 3 })
    for (;;) {
      const stats = await runtime.queue.stats()
      if (stats.queued === 0 && stats.running === 0) break
      await new Promise((r) => setTimeout(r, 50))
    }
    const res = await fetch(`${base}/metrics`)
    expect(res.status).toBe(200)
    const text = await res.text()
    const conn = `connection="${CONNECTION}"`
    expect(text).toContain(
      'forcebridge_http_requests_total{route="/invoices/:number",method="POST",status="200"} 2',
    )
    expect(text).toContain(
      `forcebridge_salesforce_logins_total{${conn},flow="password",outcome="ok"} 1`,
    )
    expect(text).toContain(
      `forcebridge_salesforce_requests_total{${conn},method="PATCH",status="201"} 3`,
    )
    expect(text).toContain('forcebridge_queue_jobs{state="succeeded"} 3')
    expect(text).toContain(
      'forcebridge_job_attempts_total{service="invoice.upsert",outcome="succeeded"} 3',
    )
    expect(text).not.toContain('A-1')
  })

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${base}/healthz`)
    expect(health.status).toBe(200)
    const ready = await fetch(`${base}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { store: 'ok', services: 'ok' },
      details: { database: 'sqlite', sharedState: { backend: 'memory', degraded: false } },
    })
  })
})
