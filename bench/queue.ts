// Benchmark of the job queue on both store backends (issue 13 part 6): the same load through
// SQLite (a home in a temporary folder, commits synced as by default) and PostgreSQL (a database
// this run creates and drops), one JobRunner with concurrency 4 each, in one run.
// Loads, each measured on both backends back to back:
//   round trip   every job calls the emulator (in a child process, bench/emulator-process.ts),
//                which answers BENCH_LATENCY_MS later (default 20): what a job that talks to
//                Salesforce costs, so queue overhead shows as lost throughput.
//   instant      every job returns at once: the queue's own cost per job (claim + settle).
// Jobs are enqueued before the runner starts (not timed); the clock runs from start() to drain().
// Per backend and load: jobs/s, claim latency p50/p99 (every claimNext call the runner made),
// and empty claims while work waited (a claim that found nothing although jobs were still
// queued and due: each costs a worker a poll interval). Last line:
// pg_vs_sqlite=<PostgreSQL jobs/s ÷ SQLite jobs/s with the round trip> (goal: at least 0.8).
// BENCH_POSTGRES_URL: an admin URL of a server where the bench may create a database (default
// postgres://postgres@127.0.0.1:5432/postgres). BENCH_RT_JOBS, BENCH_INSTANT_JOBS: job counts.
// Run: npm run bench:queue

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { createJobBackend } from '../src/runtime/queue/index.js'
import { createClient } from '../src/salesforce/index.js'
import { openStore, redactDatabaseUrl, type Store } from '../src/store/index.js'
import { startEmulatorProcess } from './emulator-process.js'

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20)
const RT_JOBS = Number(process.env.BENCH_RT_JOBS ?? 400)
const INSTANT_JOBS = Number(process.env.BENCH_INSTANT_JOBS ?? 1000)
const CONCURRENCY = 4
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const CREDS = {
  username: 'my.user@example.com',
  password: 'my.password',
  securityToken: 'DemoSecurityToken01',
  clientId: '3MVG9forcebridge.demo.consumer.key',
  clientSecret: 'forcebridge-demo-consumer-secret',
}

type Backend = 'sqlite' | 'postgres'
type Load = 'round trip' | 'instant'

interface Result {
  jobsPerSecond: number
  claimP50: number
  claimP99: number
  claims: number
  emptyWhileWaiting: number
}

async function onAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

const dir = mkdtempSync(join(tmpdir(), 'fb-bench-queue-'))
const pgName = `fb_bench_queue_${randomBytes(4).toString('hex')}`
const pgUrl = new URL(ADMIN_URL)
pgUrl.pathname = `/${pgName}`
await onAdmin((client) => client.query(`create database "${pgName}"`))
const emulator = await startEmulatorProcess({ latencyMs: LATENCY_MS })
const salesforce = createClient({ loginUrl: emulator.url, auth: { flow: 'password', ...CREDS } })
await salesforce.login()

const stores: Record<Backend, Store> = {
  sqlite: await openStore({ home: join(dir, 'sqlite-home') }),
  postgres: await openStore({
    home: join(dir, 'postgres-home'),
    database: { dialect: 'postgres', url: pgUrl.toString() },
  }),
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0
}

async function measure(backend: Backend, load: Load, jobs: number): Promise<Result> {
  const store = stores[backend]
  const service = load === 'round trip' ? 'bench.call' : 'bench.instant'
  const { queue, createRunner } = createJobBackend(store)
  for (let i = 0; i < jobs; i++) await queue.enqueue({ service, input: { i } })

  // Every claim the runner makes, timed; a claim that finds nothing while jobs of this load were
  // still unclaimed (all are due: enqueued before the start) is an empty claim while work waited.
  const latencies: number[] = []
  let claimed = 0
  let emptyWhileWaiting = 0
  const repository = store.jobs
  const claimNext = repository.claimNext.bind(repository)
  repository.claimNext = async (now, leaseMs) => {
    const waiting = jobs - claimed
    const started = performance.now()
    const result = await claimNext(now, leaseMs)
    latencies.push(performance.now() - started)
    if (result) claimed++
    else if (waiting > 0) emptyWhileWaiting++
    return result
  }
  const runner = createRunner({ concurrency: CONCURRENCY, onError: (e) => console.error(e) })
  const started = performance.now()
  runner.start(async (job) => {
    if (job.service === 'bench.call') {
      return salesforce.post('/sobjects/Campaign/', { Name: `Bench ${backend}`, Segment__c: 'SMB' })
    }
    return { ok: true }
  })
  await runner.drain()
  const seconds = (performance.now() - started) / 1000
  await runner.stop()
  repository.claimNext = claimNext
  const stats = await queue.stats()
  if (stats.succeeded < jobs) throw new Error(`${backend}: ${stats.succeeded} of ${jobs} succeeded`)
  await queue.purge({ state: 'succeeded' })
  latencies.sort((a, b) => a - b)
  return {
    jobsPerSecond: claimed / seconds,
    claimP50: percentile(latencies, 50),
    claimP99: percentile(latencies, 99),
    claims: latencies.length,
    emptyWhileWaiting,
  }
}

const results = new Map<string, Result>()
try {
  console.log(
    `queue benchmark: JobRunner concurrency ${CONCURRENCY}; round trip ${RT_JOBS} jobs calling ` +
      `the emulator (${LATENCY_MS} ms), instant ${INSTANT_JOBS} jobs; PostgreSQL ${redactDatabaseUrl(pgUrl.toString())}`,
  )
  for (const [load, jobs] of [
    ['round trip', RT_JOBS],
    ['instant', INSTANT_JOBS],
  ] as const) {
    for (const backend of ['sqlite', 'postgres'] as const) {
      const r = await measure(backend, load, jobs)
      results.set(`${backend} ${load}`, r)
      console.log(
        `${backend.padEnd(8)} ${load.padEnd(10)} ${r.jobsPerSecond.toFixed(1).padStart(8)} jobs/s` +
          `  claim p50 ${r.claimP50.toFixed(2)} ms p99 ${r.claimP99.toFixed(2)} ms` +
          `  (${r.claims} claims)  empty claims while work waited: ${r.emptyWhileWaiting}`,
      )
    }
  }
} finally {
  await stores.sqlite.close()
  await stores.postgres.close()
  await salesforce.close()
  await emulator.stop()
  await onAdmin((client) => client.query(`drop database if exists "${pgName}" with (force)`))
  rmSync(dir, { recursive: true, force: true })
}

const pgRate = results.get('postgres round trip')?.jobsPerSecond ?? 0
const sqliteRate = results.get('sqlite round trip')?.jobsPerSecond ?? 1
console.log(`pg_vs_sqlite=${(pgRate / sqliteRate).toFixed(2)}`)
