// `npm run bench:cluster` (issue 14 part 4): three `forcebridge start` nodes (the built CLI) on one
// fresh PostgreSQL database and one Redis key prefix, behind a round-robin balancer written here
// (bench/cluster/round-robin-balancer.ts, a real HTTP proxy on 127.0.0.1 in a process of its own),
// with the emulator as Salesforce answering every data call 20 ms later (BENCH_LATENCY_MS): a modelled round trip.
//
// What is measured, and why this way. A node's capacity is bounded by how many calls it has in
// flight toward Salesforce at once, each waiting a round trip: on a real deployment that bound is
// the node's concurrency (its callers, its workers, its client pool), and more nodes add more of
// it; the question a cluster must answer is whether the nodes share anything that serializes
// them (the database, Redis, the one login per connection). This machine has two cores for every
// node, the emulator, PostgreSQL, Redis, the balancer and the callers: a node driven until its
// core is busy could not show scaling here (three nodes would share the same two cores), so the
// balancer gives each node at most BENCH_PER_NODE requests at once (default 4; haproxy's
// `maxconn` on a server line) and the nodes are kept latency-bound, well below their CPU. The
// offered load never changes: BENCH_CALLERS callers (default 2 × 3 × BENCH_PER_NODE, enough to
// keep three nodes full) send synchronous upserts back to back to the balancer, whose list holds
// the first 1, 2 or 3 nodes; nodes outside the list stay up and idle. Sizes are measured in
// rounds (1, 2, 3 nodes each round, in an order that turns; BENCH_ROUNDS, default 5, of
// BENCH_SECONDS, default 3, each, after a warm-up); each size's median req/s is printed, and
// scaling_3_nodes is the median over rounds of (3 nodes ÷ 1 node within the round), as
// bench:runtime pairs its paths: the two are measured seconds apart, so a change in the load
// other users put on the machine cancels out (the load average is printed beside the figures:
// on a machine busier than its cores, every process waits for one and no figure here means
// much). So scaling_3_nodes says how much of
// the added concurrency the cluster turns into throughput; it does not say what one node does
// with a core to itself (bench:runtime measures that).
//
// Then, in the same run and on the same nodes, BENCH_UPSERTS (default 10,000) asynchronous upserts
// by external id go through the balancer to all three nodes (BENCH_ASYNC_CALLERS callers, default
// 16; FORCEBRIDGE_WORKER_CONCURRENCY 4 per node, the default; job lease BENCH_LEASE_MS, default
// 5000) while node 1 is SIGKILLed BENCH_KILLS times (default 2) and restarted; every job is awaited
// and the org is counted (bench/cluster/async-kill-run.ts). Logins are the emulator's count over
// the whole run, for the one connection: the token lives in Redis, shared by every node and every
// restart. Last line: scaling_3_nodes=<req/s on 3 ÷ on 1> logins=<n> lost=<n> duplicates=<n>
// (goals: scaling at least 2.5, 1 login, 0 lost). Exits 1 when a record was lost or duplicated.
// PostgreSQL: a database made for the run on FORCEBRIDGE_TEST_POSTGRES_URL's server (default
// postgres://postgres@127.0.0.1:5432/postgres) and dropped after; Redis: 127.0.0.1:6379 under a
// key prefix of the run's own, its keys deleted after (test/fixtures/cluster-nodes.ts).
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import {
  addInvoiceChannel,
  INVOICE_UPSERT_SERVICE,
} from '../../test/cluster/fixtures/invoice-cluster.js'
import { startCluster, type Cluster } from '../../test/fixtures/cluster-nodes.js'
import { startEmulatorChild, type EmulatorChild } from '../suite/emulator-child.js'
import { runKillRun, type KillRunResult } from './async-kill-run.js'
import { driveChannel, type LoadResult } from './channel-load.js'
import { startBalancerProcess, type BalancerProcess } from './balancer-process.js'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const LATENCY_MS = env('BENCH_LATENCY_MS', 20)
const PER_NODE = env('BENCH_PER_NODE', 4)
const CALLERS = env('BENCH_CALLERS', 2 * 3 * PER_NODE)
const SECONDS = env('BENCH_SECONDS', 3)
const ROUNDS = env('BENCH_ROUNDS', 5)
const UPSERTS = env('BENCH_UPSERTS', 10_000)
const ASYNC_CALLERS = env('BENCH_ASYNC_CALLERS', 16)
const KILLS = env('BENCH_KILLS', 2)
const LEASE_MS = env('BENCH_LEASE_MS', 5000)
const SIZES = [1, 2, 3] as const

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** req/s of `size` nodes ÷ req/s of 1 node, for each round. */
function roundRatios(size: number): number[] {
  const ones = rates.get(1) ?? []
  return (rates.get(size) ?? []).map((r, i) => r.perSecond / (ones[i]?.perSecond ?? Number.NaN))
}

async function setLatency(emulatorUrl: string, ms: number): Promise<void> {
  const res = await fetch(`${emulatorUrl}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs: ms }),
  })
  if (!res.ok) throw new Error(`could not set the emulator's latency: ${res.status}`)
}

/** CPU time (user + system) of process `pid` so far, in ms, from /proc; 0 where there is none. */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return 0
  }
}

/** CPU used so far by the nodes, the emulator, the balancer and this process (callers), in ms. */
function cpuMs(): { nodes: number; emulator: number; balancer: number; callers: number } {
  const own = process.cpuUsage()
  return {
    nodes: (cluster?.nodes ?? []).reduce((sum, n) => sum + processCpuMs(n.child?.pid), 0),
    emulator: processCpuMs(emulator?.child.pid),
    balancer: processCpuMs(balancer?.child.pid),
    callers: (own.user + own.system) / 1000,
  }
}

async function loginCount(emulatorUrl: string): Promise<number> {
  const stats = (await (await fetch(`${emulatorUrl}/__emulator/stats`)).json()) as {
    logins: Record<string, number>
  }
  return Object.values(stats.logins).reduce((a, b) => a + b, 0)
}

let emulator: EmulatorChild | undefined
let cluster: Cluster | undefined
let balancer: BalancerProcess | undefined
let balancerStats: { failed: number; refused: number } | undefined
interface Measured extends LoadResult {
  /** Cores busy on average during the load: nodes, emulator, this process (balancer, callers). */
  cores: { nodes: number; emulator: number; balancer: number; callers: number }
}
const rates = new Map<number, Measured[]>(SIZES.map((s) => [s, []]))
let killRun: KillRunResult | undefined
let logins: number | undefined
try {
  emulator = await startEmulatorChild()
  await setLatency(emulator.url, LATENCY_MS)
  const emulatorUrl = emulator.url
  let apiKey = ''
  cluster = await startCluster({
    nodes: 3,
    env: { FORCEBRIDGE_WORKER_CONCURRENCY: '4', FORCEBRIDGE_JOB_LEASE_MS: String(LEASE_MS) },
    services: { 'invoice-upsert.ts': INVOICE_UPSERT_SERVICE },
    prepare: async (store) => {
      apiKey = await addInvoiceChannel(store, emulatorUrl)
    },
  })
  balancer = await startBalancerProcess(PER_NODE)
  console.log(
    `cluster benchmark: 3 nodes on PostgreSQL ${new URL(cluster.databaseUrl).pathname.slice(1)} and Redis prefix ${cluster.redis?.prefix}; ` +
      `Salesforce round trip ${LATENCY_MS} ms; balancer: round robin, at most ${PER_NODE} requests ` +
      `per node at once; ${CALLERS} callers; ${ROUNDS} rounds of ${SECONDS} s per size, medians; ` +
      `load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`,
  )
  const nodes = cluster.urls
  for (const size of SIZES) {
    await balancer.setNodes(nodes.slice(0, size))
    await driveChannel({ url: balancer.url, apiKey, callers: CALLERS, seconds: 1, label: 'W' })
  }
  for (let round = 0; round < ROUNDS; round++) {
    // The order turns each round (1 2 3, 2 3 1, 3 1 2) so that a change in the machine's load
    // over the run falls on every size alike.
    for (let s = 0; s < SIZES.length; s++) {
      const size = SIZES[(round + s) % SIZES.length] ?? 1
      await balancer.setNodes(nodes.slice(0, size))
      const cpu0 = cpuMs()
      const wall0 = performance.now()
      const r = await driveChannel({
        url: balancer.url,
        apiKey,
        callers: CALLERS,
        seconds: SECONDS,
        label: `S${round}-${size}`,
      })
      const cpu1 = cpuMs()
      const wall = performance.now() - wall0
      rates.get(size)?.push({
        ...r,
        cores: {
          nodes: (cpu1.nodes - cpu0.nodes) / wall,
          emulator: (cpu1.emulator - cpu0.emulator) / wall,
          balancer: (cpu1.balancer - cpu0.balancer) / wall,
          callers: (cpu1.callers - cpu0.callers) / wall,
        },
      })
    }
  }
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
  const one = median(rates.get(1)?.map((r) => r.perSecond) ?? [])
  for (const size of SIZES) {
    const list = rates.get(size) ?? []
    const perSecond = median(list.map((r) => r.perSecond))
    const cores = (part: keyof Measured['cores']) =>
      median(list.map((r) => r.cores[part])).toFixed(2)
    console.log(
      `  ${size} node${size > 1 ? 's' : ' '}  ${perSecond.toFixed(0).padStart(6)} req/s  ×${median(roundRatios(size)).toFixed(2)} of 1 node ` +
        `(ideal ×${size}; ratio of medians ×${(perSecond / one).toFixed(2)})  rounds: ` +
        `${list.map((r) => r.perSecond.toFixed(0)).join(' ')}; p50 ${median(list.map((r) => r.p50Ms)).toFixed(1)} ms; ` +
        `cores busy: nodes ${cores('nodes')}, emulator ${cores('emulator')}, balancer ${cores('balancer')}, callers ${cores('callers')}`,
    )
  }

  console.log(`  load average after the rounds (1, 5, 15 min): ${load} on ${cpus().length} cores`)
  // The emulator and the balancer are one process each, which every request crosses: on a
  // machine with several times more runnable processes than cores they get a slice each, and
  // that slice, not the cluster, sets the 3-node rate.
  if ((loadavg()[0] ?? 0) > 4 * cpus().length) {
    console.log(
      '  WARNING: the machine was busier than four times its cores: the emulator and the balancer ' +
        '(one process each) were starved of CPU, so these rates measure the machine, not the cluster',
    )
  }
  console.log(
    `async upserts: ${UPSERTS} through the balancer to 3 nodes, ${ASYNC_CALLERS} callers, node 1 SIGKILLed ${KILLS} times`,
  )
  await balancer.setNodes(cluster.urls)
  killRun = await runKillRun({
    balancer,
    cluster,
    apiKey,
    emulator,
    upserts: UPSERTS,
    kills: KILLS,
    victim: 1,
    callers: ASYNC_CALLERS,
    settleMs: 180_000,
    log: (line) => console.log(line),
  })
  logins = await loginCount(emulator.url)
  balancerStats = await balancer.stats()
} catch (err) {
  if (cluster) console.error(cluster.logs(10))
  throw err
} finally {
  await balancer?.close()
  await cluster?.stop()
  await emulator?.stop()
}

if (!killRun) throw new Error('the run ended without a result')
const k = killRun
console.log(
  `  ${k.accepted} of ${k.upserts} accepted (${k.refused} refused after retries, ${k.resent} sends repeated ` +
    `after a node died under them, ${balancerStats?.refused ?? '?'} connects refused and sent to the next node); ` +
    `${k.kills} SIGKILLs; jobs ${JSON.stringify(k.jobs)}, ${k.jobsRetried} ran more than once; ${k.seconds.toFixed(1)} s`,
)
for (const l of k.lost.slice(0, 20)) console.log(`  lost: ${l}`)
for (const d of k.duplicates.slice(0, 20)) console.log(`  duplicate: ${d}`)
console.log(`logins over the whole run: ${logins ?? '?'} (1 connection)`)
const scaling = median(roundRatios(3))
console.log(
  `scaling_3_nodes=${scaling.toFixed(2)} logins=${logins ?? '?'} lost=${k.lost.length} duplicates=${k.duplicates.length}`,
)
process.exit(k.lost.length > 0 || k.duplicates.length > 0 ? 1 : 0)
