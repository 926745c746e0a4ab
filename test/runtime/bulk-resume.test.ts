// The server as a child process runs an async job that inserts 2,400 Accounts through Bulk; it
// is killed with SIGKILL while Salesforce (the emulator, processing slowly) is still working on
// the job whose upload is closed and tracked in the store, then restarted: the re-run resumes
// polling the same Salesforce job instead of loading the rows again.
// Inserts are not idempotent, so any repeated row would show up as a second Account.
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import {
  createLogger,
  openAsyncInvocations,
  type AsyncInvocations,
} from '../../src/runtime/index.js'
import { createClient, type JobInfo, type RecordResult } from '../../src/salesforce/index.js'
import { DEMO_CREDENTIALS } from '../../src/cli/demo-setup.js'
import { openStore, type Store } from '../../src/store/index.js'
import { killHard, startServerProcess, waitUntil } from './fixtures/server-process.js'
import { runCli } from '../cli/fixtures/run-cli.js'
import { addDemoConnection } from './fixtures/invoice-services.js'
import { testDatabase, testDatabaseEnv } from '../fixtures/test-store.js'

const ROOT = resolve(import.meta.dirname, '../..')
const COUNT = 2400
const dir = mkdtempSync(join(tmpdir(), 'fb-bulk-resume-'))
const home = join(dir, 'home')
let emulator: EmulatorHandle
let store: Store
let jobs: AsyncInvocations
let child: ChildProcess | undefined
/** FORCEBRIDGE_DATABASE_URL for the child server when the suite runs on PostgreSQL. */
let databaseEnv: Record<string, string> = {}

function startServer(): ChildProcess {
  return startServerProcess(home, dir, { FORCEBRIDGE_JOB_LEASE_MS: '1500', ...databaseEnv })
}

function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  return waitUntil(check, what, { everyMs: 25, server: () => child })
}

beforeAll(async () => {
  // 40 rows every 50 ms: the job stays InProgress for about 3 s after its upload is closed.
  emulator = await startEmulator({
    port: 0,
    org: join(ROOT, 'examples', 'demo-org.yaml'),
    bulk: { chunkSize: 40, tickMs: 50 },
  })
  store = await openStore({ home, ...(await testDatabase(home)) })
  databaseEnv = await testDatabaseEnv(home)
  await addDemoConnection(store, 'crm', emulator.url)
  mkdirSync(join(home, 'services'), { recursive: true })
  // Every 250th Account has no Name (required): those rows fail, the rest are created.
  writeFileSync(
    join(home, 'services', 'accounts-load.ts'),
    `import { defineService, z } from 'forcebridge'
export default defineService({
  name: 'accounts.load',
  input: z.object({ prefix: z.string(), count: z.number().int() }),
  timeoutMs: 120_000,
  handle: ({ input, salesforce }) => {
    const records = Array.from({ length: input.count }, (_, i) => ({
      Name: i % 250 === 7 ? '' : input.prefix + '-' + i,
      AccountNumber: input.prefix + '#' + i,
    }))
    return salesforce('crm').sobject('Account').insertMany(records, {
      poll: { initialDelayMs: 200, maxDelayMs: 500 },
    })
  },
})`,
  )
  jobs = openAsyncInvocations(store, createLogger({ level: 'silent' }), {
    concurrency: 0,
    scheduler: false,
  })
}, 60_000)

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) await killHard(child)
  await store?.close()
  await emulator?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('bulk jobs of async invocations across a restart', () => {
  it('resumes the tracked ingest job after SIGKILL: one job, every row once, one result per row', async () => {
    const client = createClient({
      loginUrl: emulator.url,
      auth: { flow: 'password', ...DEMO_CREDENTIALS },
    })
    const { id } = await jobs.queue.enqueue({
      service: 'accounts.load',
      input: { prefix: 'R', count: COUNT },
    })

    child = startServer()
    let stateAtKill = ''
    await waitFor(async () => {
      const [tracked] = await jobs.bulkJobs.list({ invocationId: id })
      if (tracked === undefined || tracked.state === 'Open') return false
      const info = await client.get<JobInfo>(`jobs/ingest/${tracked.jobIds[0]}`)
      stateAtKill = info.state
      return true
    }, 'the bulk job to be tracked as closed')
    await killHard(child)
    const [atKill] = await jobs.bulkJobs.list({ invocationId: id })
    // Salesforce was still working on it: the restart has to pick up a job in flight.
    expect(['UploadComplete', 'InProgress']).toContain(stateAtKill)
    expect((await jobs.queue.get(id))?.state).toBe('running')

    child = startServer()
    await waitFor(async () => (await jobs.queue.get(id))?.state === 'succeeded', 'the job')
    await killHard(child)

    const job = await jobs.queue.get(id)
    expect(job?.attempts).toBe(2)
    expect(job?.attemptHistory[0]?.outcome).toBe('lease-expired')

    // Exactly one ingest job on the emulator, the one tracked before the kill.
    try {
      const ingestJobs = (await client.get<{ records: JobInfo[] }>('jobs/ingest')).records
      expect(ingestJobs.map((j) => j.id)).toEqual(atKill?.jobIds)
      expect(ingestJobs[0]).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: COUNT })
    } finally {
      await client.close()
    }
    const [tracked] = await jobs.bulkJobs.list({ invocationId: id })
    expect(tracked).toMatchObject({
      key: `${id}#1`,
      state: 'JobComplete',
      recordsProcessed: COUNT,
      recordsFailed: 10,
    })

    // An operator sees the job's Bulk call beside its attempts.
    const saved = process.env.FORCEBRIDGE_HOME
    process.env.FORCEBRIDGE_HOME = home
    try {
      const shown = await runCli('jobs', 'show', id)
      expect(shown.out).toMatch(
        new RegExp(
          `bulk #1 Account insert JobComplete: ${COUNT} processed, 10 failed \\(jobs ${atKill?.jobIds[0]}\\)`,
        ),
      )
    } finally {
      if (saved === undefined) delete process.env.FORCEBRIDGE_HOME
      else process.env.FORCEBRIDGE_HOME = saved
    }

    // Every good row exists once; each result sits at its input row's index.
    const byId = new Map<string, string>()
    const copies = new Map<string, number>()
    for (const row of emulator.org.rows('Account')) {
      const n = String(row.AccountNumber)
      if (row.IsDeleted || !n.startsWith('R#')) continue
      byId.set(String(row.Id), n)
      copies.set(n, (copies.get(n) ?? 0) + 1)
    }
    expect(copies.size).toBe(COUNT - 10)
    expect([...copies.values()].every((c) => c === 1)).toBe(true)
    const results = job?.output as RecordResult[]
    expect(results).toHaveLength(COUNT)
    results.forEach((r, i) => {
      if (i % 250 === 7) {
        expect(r.success).toBe(false)
        expect(r.errors[0]?.code).toBe('REQUIRED_FIELD_MISSING')
      } else {
        expect(r.success).toBe(true)
        expect(byId.get(r.id as string)).toBe(`R#${i}`)
      }
    })
  }, 180_000)
})
