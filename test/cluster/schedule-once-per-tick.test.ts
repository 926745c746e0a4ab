// A schedule that fires every second, on three `forcebridge start` processes that each run the
// scheduler, for a minute of ticks, with one node SIGKILLed partway and started again: every
// second from the first run to the last has exactly one run (one job, succeeded), and its
// service ran once in Salesforce. Each run creates an Account named after the run (a create, not
// an upsert), so a tick fired twice would show as two Accounts. The one exception allowed is the
// queue's at-least-once rule: a run whose node died while it ran (attempts > 1) may have written
// before it died, and then at most once per attempt.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EmulatorHandle } from '../../src/emulator/index.js'
import {
  createLogger,
  openAsyncInvocations,
  type AsyncInvocations,
  type Job,
} from '../../src/runtime/index.js'
import type { Store } from '../../src/store/index.js'
import { startCluster, type Cluster } from '../fixtures/cluster-nodes.js'
import { waitUntil } from '../runtime/fixtures/server-process.js'
import { addInvoiceChannel, loginsOf, startOrg } from './fixtures/invoice-cluster.js'

vi.setConfig({ testTimeout: 300_000, hookTimeout: 180_000 })

/** Ticks to watch: the minute of a schedule that fires every second. */
const TICKS = 60
const SCHEDULE = 'every-second'

const TICK_SERVICE = `import { defineService, z } from 'forcebridge'
export default defineService({
  name: 'tick.record',
  input: z.null(),
  handle: ({ correlationId, salesforce }) =>
    salesforce('crm').sobject('Account').create({ Name: correlationId }),
})
`

let emulator: EmulatorHandle
let cluster: Cluster
let store: Store
let async: AsyncInvocations

beforeAll(async () => {
  emulator = await startOrg()
  cluster = await startCluster({
    nodes: 3,
    services: { 'tick-record.ts': TICK_SERVICE },
    env: { FORCEBRIDGE_WORKER_CONCURRENCY: '2', FORCEBRIDGE_JOB_LEASE_MS: '3000' },
    prepare: async (s) => {
      await addInvoiceChannel(s, emulator.url)
      const { scheduler } = openAsyncInvocations(s, createLogger({ level: 'silent' }), {
        concurrency: 0,
        scheduler: false,
      })
      await scheduler.add({ name: SCHEDULE, cron: '* * * * * *', service: 'tick.record' })
    },
  })
  store = await cluster.openStore()
  async = openAsyncInvocations(store, createLogger({ level: 'silent' }), {
    concurrency: 0,
    scheduler: false,
  })
})

afterAll(async () => {
  await store?.close()
  await cluster?.stop()
  await emulator?.close()
})

/** Every job of the schedule (the queue holds no others here). */
async function tickJobs(): Promise<Job[]> {
  const jobs: Job[] = []
  let cursor: string | undefined
  do {
    const page = await async.queue.list({ limit: 500, ...(cursor ? { cursor } : {}) })
    jobs.push(...page.jobs)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return jobs
}

describe('a schedule on three nodes', () => {
  it('runs exactly once per tick for a minute while a node is SIGKILLed and restarted', async () => {
    const fired = async () => (await async.queue.stats()).succeeded
    const waitFor = (check: () => Promise<boolean>, what: string) =>
      waitUntil(check, `${what}; the nodes said:\n${cluster.logs()}`, { ms: 180_000 })

    await waitFor(async () => (await fired()) >= 20, '20 runs')
    await cluster.kill(1)
    await waitFor(async () => (await fired()) >= 30, '30 runs')
    await cluster.restart(1)
    await waitFor(async () => (await fired()) >= TICKS, `${TICKS} runs`)
    await async.scheduler.enable(SCHEDULE, false)
    await waitFor(async () => {
      const stats = await async.queue.stats()
      return stats.queued === 0 && stats.running === 0
    }, 'the last runs to end')

    const jobs = await tickJobs()
    const prefix = `schedule:${SCHEDULE}:`
    const ticks = jobs.map((j) => j.idempotencyKey ?? '').sort()
    expect(ticks.every((k) => k.startsWith(prefix))).toBe(true)
    expect(new Set(ticks).size).toBe(ticks.length)
    const times = ticks.map((k) => Date.parse(k.slice(prefix.length)))
    const first = times[0] ?? 0
    const last = times[times.length - 1] ?? 0
    // Every second between the first run and the last, once: no tick missed, none twice.
    expect(times).toEqual(
      Array.from({ length: (last - first) / 1000 + 1 }, (_, i) => first + i * 1000),
    )
    expect(times.length).toBeGreaterThanOrEqual(TICKS)
    expect(jobs.filter((j) => j.state !== 'succeeded')).toEqual([])

    // What Salesforce saw: one Account per run (a run cut short by the kill: at most one per
    // attempt), and no Account for a tick that has no job.
    const accounts = new Map<string, number>()
    for (const row of emulator.org.rows('Account')) {
      const name = String(row.Name)
      if (!row.IsDeleted && name.startsWith(prefix))
        accounts.set(name, (accounts.get(name) ?? 0) + 1)
    }
    expect([...accounts.keys()].sort()).toEqual(ticks)
    for (const job of jobs) {
      const written = accounts.get(job.idempotencyKey ?? '') ?? 0
      if (job.attempts === 1) expect(written, job.idempotencyKey ?? '').toBe(1)
      else expect(written).toBeLessThanOrEqual(job.attempts)
    }
    expect(loginsOf(emulator)).toBe(1)
  })
})
