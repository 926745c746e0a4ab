// ctx.invokeAsync through a real runtime: jobs go on the durable queue in the store, the worker
// runs them against the emulator, an idempotency key queues a piece of work once, and input is
// checked when the job is queued, not later.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { createLogger, createRuntime, type Runtime } from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { addDemoConnection, writeInvoiceServices } from './fixtures/invoice-services.js'
import { testDatabase } from '../fixtures/test-store.js'

const CONNECTION = 'My Salesforce Connection'
const dir = mkdtempSync(join(tmpdir(), 'fb-async-'))
const home = join(dir, 'home')
let emulator: EmulatorHandle
let store: Store
let runtime: Runtime

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, org: 'examples/demo-org.yaml' })
  store = await openStore({ home, ...(await testDatabase(home)) })
  await addDemoConnection(store, CONNECTION, emulator.url)
  writeInvoiceServices(join(home, 'services'), CONNECTION)
  const log = createLogger({ level: 'silent' })
  runtime = await createRuntime({
    store,
    log,
    serviceFolders: [join(home, 'services')],
    async: { pollMs: 20, concurrency: 4 },
  })
})

afterAll(async () => {
  await runtime?.close()
  await store?.close()
  await emulator?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function drained(): Promise<Record<string, number>> {
  for (;;) {
    const stats = await runtime.queue.stats()
    if (stats.queued === 0 && stats.running === 0) return stats
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('async invocations', () => {
  it('runs queued services through the worker against Salesforce', async () => {
    const out = (await runtime.invoker.invoke('invoice.fanout', { count: 20 })) as {
      jobs: string[]
    }
    expect(out.jobs).toHaveLength(20)
    const stats = await drained()
    expect(stats.succeeded).toBe(20)
    expect(stats.dead).toBe(0)
    const found = emulator.org.rows('Invoice__c')
    const numbers = [...found].filter((r) => !r.IsDeleted).map((r) => r.Number__c)
    expect(numbers.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `A-${i}`).sort())
  })

  it('queues a piece of work once per idempotency key', async () => {
    const again = (await runtime.invoker.invoke('invoice.fanout', { count: 20 })) as {
      jobs: string[]
    }
    const first = await runtime.queue.list({ service: 'invoice.upsert', limit: 100 })
    expect(new Set(again.jobs)).toEqual(new Set(first.jobs.map((j) => j.id)))
    expect(first.jobs).toHaveLength(20)
  })

  it('checks the input when the job is queued', async () => {
    await expect(
      runtime.invoker.invokeAsync('invoice.upsert', { number: 7 }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(runtime.invoker.invokeAsync('no.such.service', {})).rejects.toMatchObject({
      code: 'SERVICE_NOT_FOUND',
    })
  })
})
