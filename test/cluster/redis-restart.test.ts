// Three `forcebridge start` processes on one PostgreSQL database and a Redis of this test's own
// (a private redis-server without persistence, never the shared one), working off asynchronous
// invoice upserts, while that Redis is SIGKILLed and started again empty. Meanwhile every node
// says in /readyz that it runs on its own memory, no call and no job fails, and once Redis is
// back they say so again. Then the emulator ends every session, so all three nodes need a token
// from the emptied Redis at once: they make one login between them. Every invoice is in the org
// exactly once and the whole run costs at most one login more than the first.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EmulatorHandle } from '../../src/emulator/index.js'
import { createJobBackend, type JobQueue } from '../../src/runtime/index.js'
import type { Store } from '../../src/store/index.js'
import { startCluster, type Cluster } from '../fixtures/cluster-nodes.js'
import { freePort, PrivateRedis, testPrefix } from '../runtime/fixtures/redis-fixture.js'
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

const JOBS = 600
/** Calls sent after the sessions ended, so each node needs a token. */
const AFTER = 60
let redis: PrivateRedis
let emulator: EmulatorHandle
let cluster: Cluster
let store: Store
let queue: JobQueue
let apiKey = ''
/** Each node's log lines about its shared state, and any line that shows a Redis URL. */
const stateLines: string[][] = [[], [], []]
const urlLines: string[] = []

beforeAll(async () => {
  redis = new PrivateRedis(await freePort())
  await redis.start()
  emulator = await startOrg()
  cluster = await startCluster({
    nodes: 3,
    redis: { url: redis.url, prefix: testPrefix() },
    services: { 'invoice-upsert.ts': INVOICE_UPSERT_SERVICE },
    env: { FORCEBRIDGE_WORKER_CONCURRENCY: '4' },
    onLine: (node, line) => {
      if (line.includes('shared state:')) stateLines[node]?.push(line)
      if (line.includes('redis://')) urlLines.push(line)
    },
    prepare: async (s) => {
      apiKey = await addInvoiceChannel(s, emulator.url)
    },
  })
  store = await cluster.openStore()
  queue = createJobBackend(store).queue
})

afterAll(async () => {
  await store?.close()
  await cluster?.stop()
  await emulator?.close()
  await redis?.kill()
})

/** Whether every node's /readyz says its shared state is `degraded` (on its own memory). */
async function everyNodeDegraded(degraded: boolean): Promise<boolean> {
  const answers = await Promise.all(
    cluster.urls.map(async (url) => {
      const res = await fetch(`${url}/readyz`)
      const body = (await res.json()) as { details?: { sharedState?: { degraded?: boolean } } }
      return body.details?.sharedState?.degraded
    }),
  )
  return answers.length === 3 && answers.every((d) => d === degraded)
}

describe('three nodes while their Redis restarts', () => {
  it('lose no call and no job, and log in at most once more', async () => {
    const stats = () => queue.stats()
    const waitFor = (check: () => Promise<boolean>, what: string) =>
      waitUntil(check, `${what}; the nodes said:\n${cluster.logs()}`, { ms: 180_000 })
    expect(await everyNodeDegraded(false)).toBe(true)
    const numbers = Array.from({ length: JOBS }, (_, i) => `RR-${i}`)
    const sending = enqueueInvoices(cluster, apiKey, numbers, { concurrency: 6 })

    await waitFor(async () => (await stats()).succeeded >= 150, '150 jobs to succeed')
    await redis.kill()
    await waitFor(() => everyNodeDegraded(true), 'every node to fall back to its memory')
    const duringOutage = (await stats()).succeeded
    await waitFor(
      async () => (await stats()).succeeded >= duringOutage + 50,
      '50 jobs to succeed while Redis is down',
    )
    await redis.start()
    await waitFor(() => everyNodeDegraded(false), 'every node to use Redis again')
    expect(loginsOf(emulator)).toBe(1)

    // Every node's token is now unknown to Salesforce and gone from Redis; more calls follow so
    // that every node needs a new one.
    const spread = await sending
    emulator.expireSessions()
    const more = Array.from({ length: AFTER }, (_, i) => `RR-after-${i}`)
    const spreadAfter = await enqueueInvoices(cluster, apiKey, more, { concurrency: 6 })
    const total = JOBS + AFTER
    // A dead job ends the wait at once: the assertion below then shows the counts.
    await waitFor(async () => {
      const now = await stats()
      return now.succeeded === total || now.dead > 0
    }, 'every job to succeed')

    // A dead job's attempts say why, in the failure message.
    const dead = await Promise.all(
      (await queue.list({ state: 'dead' })).jobs.map(
        async (j) => (await queue.get(j.id))?.attemptHistory,
      ),
    )
    expect(JSON.stringify(dead)).toBe('[]')
    expect(await stats()).toMatchObject({ succeeded: total, dead: 0, queued: 0, running: 0 })
    // No call had to move to another node: the outage failed none.
    expect(spread.movedOn + spreadAfter.movedOn).toBe(0)
    const counts = invoiceCounts(emulator)
    expect(counts.size).toBe(total)
    expect([...counts.values()].every((n) => n === 1)).toBe(true)
    expect(loginsOf(emulator)).toBe(2)

    // Each node said that it fell back to its memory, then that Redis was back (a node stalled
    // on a busy machine may time out on Redis once more, so not "exactly once"); no line
    // anywhere showed the Redis URL.
    for (const lines of stateLines) {
      const said = lines.map((l) => (JSON.parse(l) as { msg: string }).msg)
      const fellBack = said.findIndex((m) => m.includes('falls back'))
      expect(fellBack).toBeGreaterThanOrEqual(0)
      expect(said.slice(fellBack).some((m) => m.includes('answers again'))).toBe(true)
    }
    expect(urlLines).toEqual([])
  })
})
