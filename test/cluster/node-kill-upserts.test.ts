// Three `forcebridge start` processes on one PostgreSQL database and one Redis prefix, the emulator
// as Salesforce: 2,000 asynchronous invoice upserts by external id, sent round robin through the
// three nodes' channel, while one node is SIGKILLed twice and restarted. Every invoice is in the
// org exactly once, every job succeeds, and the whole run logs in once (the token is shared in
// Redis, and a restarted node finds it there). Then, on the same three nodes, a channel limit of
// 100 per minute lets exactly 100 of 300 calls through, whichever node they reach.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EmulatorHandle } from '../../src/emulator/index.js'
import { createJobBackend, type JobQueue } from '../../src/runtime/index.js'
import type { Store } from '../../src/store/index.js'
import { startCluster, type Cluster } from '../fixtures/cluster-nodes.js'
import { waitUntil } from '../runtime/fixtures/server-process.js'
import {
  addInvoiceChannel,
  enqueueInvoices,
  INVOICE_UPSERT_SERVICE,
  invoiceCounts,
  loginsOf,
  startOrg,
} from './fixtures/invoice-cluster.js'

vi.setConfig({ testTimeout: 300_000, hookTimeout: 180_000 })

const JOBS = 2000
let emulator: EmulatorHandle
let cluster: Cluster
let store: Store
let queue: JobQueue
let apiKey = ''
let limitedKey = ''

beforeAll(async () => {
  emulator = await startOrg()
  cluster = await startCluster({
    nodes: 3,
    services: { 'invoice-upsert.ts': INVOICE_UPSERT_SERVICE },
    env: {
      FORCEBRIDGE_WORKER_CONCURRENCY: '6',
      // A killed node's jobs run again on another node once their lease runs out.
      FORCEBRIDGE_JOB_LEASE_MS: '3000',
    },
    prepare: async (s) => {
      apiKey = await addInvoiceChannel(s, emulator.url)
      const limited = await s.security.createApiKey('limited')
      limitedKey = limited.key
      await s.channels.add({
        method: 'POST',
        path: '/api/limited',
        service: 'invoice.upsert',
        securityDefinitionId: limited.definition.id,
        rateLimit: { requests: 100, perSeconds: 60 },
      })
    },
  })
  store = await cluster.openStore()
  queue = createJobBackend(store).queue
})

afterAll(async () => {
  await store?.close()
  await cluster?.stop()
  await emulator?.close()
})

/** Jobs that took more than one attempt: those a killed node held when it died. */
async function retriedJobs(): Promise<number> {
  let retried = 0
  let cursor: string | undefined
  do {
    const page = await queue.list({ limit: 500, ...(cursor ? { cursor } : {}) })
    retried += page.jobs.filter((j) => j.attempts > 1).length
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return retried
}

describe('three nodes on PostgreSQL and Redis', () => {
  it('upsert 2,000 invoices exactly once with one login while a node is SIGKILLed twice', async () => {
    const succeeded = async () => (await queue.stats()).succeeded
    const waitFor = (check: () => Promise<boolean>, what: string) =>
      waitUntil(check, `${what}; the nodes said:\n${cluster.logs()}`, { ms: 180_000 })
    const numbers = Array.from({ length: JOBS }, (_, i) => `CL-${i}`)
    const sending = enqueueInvoices(cluster, apiKey, numbers)

    // Node 1 dies twice while the queue is being filled and worked off, each time holding
    // leased jobs; it comes back on the same home.
    const killedAt: number[] = []
    for (const after of [300, 900]) {
      await waitFor(async () => (await succeeded()) >= after, `${after} jobs to succeed`)
      await cluster.kill(1)
      killedAt.push(await succeeded())
      await cluster.restart(1)
    }
    const spread = await sending
    await waitFor(async () => (await succeeded()) === JOBS, 'every job to succeed')

    const stats = await queue.stats()
    expect(stats).toMatchObject({ succeeded: JOBS, dead: 0, queued: 0, running: 0 })
    expect(killedAt.every((n) => n < JOBS)).toBe(true)
    expect(cluster.nodes[1]?.starts).toBe(3)
    // Every node took a share of the calls (node 1 less: it was down for a while).
    for (const accepted of spread.acceptedBy) expect(accepted).toBeGreaterThan(50)

    const counts = invoiceCounts(emulator)
    expect(counts.size).toBe(JOBS)
    const twice = [...counts].filter(([, n]) => n !== 1)
    expect(twice).toEqual([])
    for (const number of numbers) expect(counts.has(number)).toBe(true)

    expect(loginsOf(emulator)).toBe(1)
    // The kills did cut jobs short: some ran again on another node (and still wrote once).
    expect(await retriedJobs()).toBeGreaterThan(0)
  })

  it('let exactly 100 of 300 calls through a channel limited to 100 a minute', async () => {
    const urls = cluster.urls
    expect(urls).toHaveLength(3)
    const answers = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const res = await fetch(`${urls[i % 3]}/api/limited`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-api-key': limitedKey,
            prefer: 'respond-async',
          },
          body: JSON.stringify({ number: `LIM-${i}`, amount: i }),
        })
        await res.arrayBuffer()
        return { status: res.status, retryAfter: res.headers.get('retry-after') }
      }),
    )
    const through = answers.filter((a) => a.status === 202)
    expect(through).toHaveLength(100)
    const refused = answers.filter((a) => a.status !== 202)
    expect(refused.map((a) => a.status)).toEqual(Array.from({ length: 200 }, () => 429))
    for (const a of refused) {
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1)
      expect(Number(a.retryAfter)).toBeLessThanOrEqual(60)
    }
    await waitUntil(
      () => Promise.resolve(invoiceCounts(emulator).size === JOBS + 100),
      'the 100 admitted invoices',
    )
  })
})
