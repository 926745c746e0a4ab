// The cluster benchmark's second half: `upserts` asynchronous upserts by external id
// (`Prefer: respond-async`, an Idempotency-Key per invoice) through the balancer to every node,
// while one node is SIGKILLed `kills` times and started again each time. A call that fails on the
// way (the node died under it: 502 from the balancer) is sent again with the same key, as a
// careful caller does; a key already queued answers the job queued first, so a retry never
// queues a second job. Then every job is awaited (in the database), and the org is counted:
// an accepted invoice without a record is lost, a record beyond one per invoice is a duplicate.
import pg from 'pg'
import { Pool } from 'undici'
import type { Cluster } from '../../test/fixtures/cluster-nodes.js'
import type { EmulatorChild } from '../suite/emulator-child.js'
import { INVOICES_PATH } from './channel-load.js'
import type { BalancerProcess } from './balancer-process.js'

export interface KillRunResult {
  upserts: number
  accepted: number
  /** Invoices never accepted after every retry (the caller saw the failure). */
  refused: number
  /** Sends that failed and were repeated (502 while a node died, 503 with none up). */
  resent: number
  kills: number
  /** Jobs by final state, from the database. */
  jobs: Record<string, number>
  /** Jobs that ran more than once (the killed node's leases, taken over after they ran out). */
  jobsRetried: number
  lost: string[]
  duplicates: string[]
  seconds: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function runKillRun(options: {
  balancer: BalancerProcess
  cluster: Cluster
  apiKey: string
  emulator: EmulatorChild
  upserts: number
  kills: number
  /** The node that is killed (never the only one). */
  victim: number
  callers: number
  settleMs: number
  log: (line: string) => void
}): Promise<KillRunResult> {
  const { balancer, cluster, log } = options
  const pool = new Pool(balancer.url, { connections: options.callers, pipelining: 1 })
  const headers = { 'content-type': 'application/json', 'x-api-key': options.apiKey }
  const accepted = new Set<string>()
  let refused = 0
  let resent = 0
  let kills = 0
  const killAt = new Set(
    Array.from({ length: options.kills }, (_, k) =>
      Math.floor(((k + 1) * options.upserts) / (options.kills + 1)),
    ),
  )
  // Each kill waits for the previous restart: the node is killed while it serves, never while
  // it is still starting.
  let restarting: Promise<void> = Promise.resolve()
  const killAndRestart = async (sent: number) => {
    await cluster.kill(options.victim)
    kills++
    log(`  SIGKILL node ${options.victim} after ${sent} upserts sent; restarting it`)
    await cluster.restart(options.victim)
    // Its port may have changed (taken meanwhile): the balancer follows the cluster's list.
    await balancer.setNodes(cluster.urls)
    log(`  node ${options.victim} is back`)
  }

  const send = async (number: string, amount: number): Promise<boolean> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (attempt > 0) {
        resent++
        await sleep(100 * Math.min(attempt, 5))
      }
      try {
        const res = await pool.request({
          method: 'POST',
          path: INVOICES_PATH,
          headers: { ...headers, prefer: 'respond-async', 'idempotency-key': number },
          body: JSON.stringify({ number, amount }),
        })
        const text = await res.body.text()
        if (res.statusCode === 202) return true
        if (res.statusCode < 500) throw new Error(`${number}: ${res.statusCode} ${text}`)
      } catch (err) {
        if (!(err instanceof Error) || !/ECONNRESET|socket|other side closed/i.test(err.message))
          throw err
      }
    }
    return false
  }

  const started = performance.now()
  let next = 0
  try {
    await Promise.all(
      Array.from({ length: options.callers }, async () => {
        for (;;) {
          const i = next++
          if (i >= options.upserts) return
          if (killAt.has(i)) restarting = restarting.then(() => killAndRestart(i))
          const number = `A-${i}`
          if (await send(number, i % 10_000)) accepted.add(number)
          else refused++
        }
      }),
    )
    await restarting
  } finally {
    await pool.close()
  }
  log(`  ${accepted.size} accepted; waiting for their jobs`)

  const { jobs, jobsRetried } = await settle(cluster.databaseUrl, options.settleMs)
  const seconds = (performance.now() - started) / 1000

  const counts = await options.emulator.countBy('Invoice__c', 'Number__c')
  const lost: string[] = []
  const duplicates: string[] = []
  for (const number of accepted) if (!counts.has(number)) lost.push(number)
  for (const [number, n] of counts) {
    if (number.startsWith('A-') && n > 1) duplicates.push(`${number}: ${n} records`)
  }
  return {
    upserts: options.upserts,
    accepted: accepted.size,
    refused,
    resent,
    kills,
    jobs,
    jobsRetried,
    lost,
    duplicates,
    seconds,
  }
}

/** Waits until no job is queued or running (or `settleMs` passed); answers jobs by state. */
async function settle(
  databaseUrl: string,
  settleMs: number,
): Promise<{ jobs: Record<string, number>; jobsRetried: number }> {
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()
  try {
    const until = Date.now() + settleMs
    for (;;) {
      const { rows } = await db.query<{ state: string; n: string }>(
        `select state, count(*) as n from queue_jobs where service = 'invoice.upsert' group by state`,
      )
      const jobs = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]))
      if (((jobs.queued ?? 0) === 0 && (jobs.running ?? 0) === 0) || Date.now() > until) {
        const retried = await db.query<{ n: string }>(
          `select count(*) as n from queue_jobs where service = 'invoice.upsert' and attempts > 1`,
        )
        return { jobs, jobsRetried: Number(retried.rows[0]?.n ?? 0) }
      }
      await sleep(500)
    }
  } finally {
    await db.end()
  }
}
