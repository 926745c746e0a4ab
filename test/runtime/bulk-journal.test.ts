// The Bulk journal's resume path in process: insertMany through Bulk against the emulator, with
// the journal kept in a real store (table bulk_jobs). A "crash" is a journal write that throws
// and writes nothing, as if the process died at that point; the re-run uses the store as it was.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import {
  BULK_JOB_RETENTION_MS,
  BulkJobStore,
  createLogger,
  openAsyncInvocations,
  type AsyncInvocations,
} from '../../src/runtime/index.js'
import {
  BulkJournalScope,
  createClient,
  runWithBulkJournal,
  type BulkJournal,
  type BulkJournalEntry,
  type JobInfo,
  type RecordResult,
  type SalesforceClient,
} from '../../src/salesforce/index.js'
import { DEMO_CREDENTIALS } from '../../src/cli/demo-setup.js'
import { openStore, type Store } from '../../src/store/index.js'
import { storeDialects } from '../fixtures/store-dialects.js'
import { runCli } from '../cli/fixtures/run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-bulk-journal-'))
let home = ''
const dialects = storeDialects('bulk_journal')
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const poll = { initialDelayMs: 20, maxDelayMs: 100 }
let emu: EmulatorHandle
let client: SalesforceClient
let store: Store
let jobs: AsyncInvocations

class Crash extends Error {}

/** The journal of `invocation`, dying (throwing, writing nothing) at the first entry `when` likes. */
function crashingScope(invocation: string, when: (e: BulkJournalEntry) => boolean) {
  const real = jobs.bulkJobs.scopeFor(invocation).journal
  let dead = false
  const journal: BulkJournal = {
    recall: (key) => real.recall(key),
    record: async (key, entry) => {
      if (dead || when(entry)) {
        dead = true
        throw new Crash(`process killed while recording ${key}`)
      }
      await real.record(key, entry)
    },
  }
  return new BulkJournalScope(journal, invocation)
}

/** Accounts named `<prefix>-<i>`; every 250th has no Name, which Account requires. */
function accounts(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    Name: i % 250 === 7 ? '' : `${prefix}-${i}`,
    AccountNumber: `${prefix}#${i}`,
  }))
}

function insertMany(scope: BulkJournalScope, records: object[], maxBytesPerJob?: number) {
  return runWithBulkJournal(scope, () =>
    client
      .sobject('Account')
      .insertMany(records, { poll, ...(maxBytesPerJob ? { maxBytesPerJob } : {}) }),
  )
}

async function ingestJobs(): Promise<JobInfo[]> {
  const page = await client.get<{ records: JobInfo[] }>('jobs/ingest')
  return page.records
}

/** How many live Accounts carry each AccountNumber of this prefix. */
function copies(prefix: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const row of emu.org.rows('Account')) {
    const n = String(row.AccountNumber)
    if (row.IsDeleted || !n.startsWith(`${prefix}#`)) continue
    out.set(n, (out.get(n) ?? 0) + 1)
  }
  return out
}

/** Each input row got its own result: failures exactly at the rows without a Name. */
function expectMatched(records: Array<{ Name: string }>, results: RecordResult[]): void {
  expect(results).toHaveLength(records.length)
  results.forEach((r, i) => {
    if (records[i]!.Name === '') {
      expect(r.success).toBe(false)
      expect(r.errors[0]?.code).toBe('REQUIRED_FIELD_MISSING')
    } else {
      expect(r.success, JSON.stringify(r)).toBe(true)
      expect(r.id).toMatch(/^001/)
    }
  })
  const ids = results.flatMap((r) => (r.id ? [r.id] : []))
  expect(new Set(ids).size).toBe(ids.length)
}

// The tests of a block build on each other (inv-1 first, ...): one emulator and one store per
// dialect, opened before the block's first test.
describe.each(dialects)('bulk journal ($name)', (dialect) => {
  beforeAll(async () => {
    home = join(dir, `home-${dialect.name}`)
    emu = await startEmulator()
    client = createClient({
      loginUrl: emu.url,
      name: 'crm',
      auth: { flow: 'password', ...DEMO_CREDENTIALS },
    })
    store = await openStore({ home, ...dialect.options() })
    jobs = openAsyncInvocations(store, createLogger({ level: 'silent' }), {
      concurrency: 0,
      scheduler: false,
    })
  })

  afterAll(async () => {
    await client?.close()
    await store?.close()
    await emu?.close()
    delete process.env.FORCEBRIDGE_DATABASE_URL
  })

  it('records a finished call, and a re-run returns its results without a new job', async () => {
    const records = accounts('J1', 2500)
    const first = await insertMany(jobs.bulkJobs.scopeFor('inv-1'), records)
    expectMatched(records, first)
    const [tracked] = await jobs.bulkJobs.list({ invocationId: 'inv-1' })
    expect(tracked).toMatchObject({
      key: 'inv-1#1',
      connection: 'crm',
      object: 'Account',
      operation: 'insert',
      state: 'JobComplete',
      recordsProcessed: 2500,
      recordsFailed: 10,
    })
    expect(tracked?.jobIds).toHaveLength(1)

    const before = (await ingestJobs()).length
    const again = await insertMany(jobs.bulkJobs.scopeFor('inv-1'), records)
    expect(again).toEqual(first)
    expect((await ingestJobs()).length).toBe(before)
    expect(copies('J1').size).toBe(2490)
    expect([...copies('J1').values()].every((c) => c === 1)).toBe(true)
  })

  it('keeps a job closed just before the crash: the re-run only polls it', async () => {
    const records = accounts('J2', 2200)
    const before = (await ingestJobs()).length
    const dying = crashingScope('inv-2', (e) => e.jobs.some((j) => j.closed))
    await expect(insertMany(dying, records)).rejects.toBeInstanceOf(Crash)
    const [left] = await jobs.bulkJobs.list({ invocationId: 'inv-2' })
    expect(left?.state).toBe('Open') // the store never heard of the close

    const results = await insertMany(jobs.bulkJobs.scopeFor('inv-2'), records)
    expectMatched(records, results)
    const created = (await ingestJobs()).slice(before)
    expect(created).toHaveLength(1)
    expect(created[0]?.id).toBe(left?.jobIds[0])
    expect(copies('J2').size).toBe(2200 - 9)
    expect([...copies('J2').values()].every((c) => c === 1)).toBe(true)
  })

  it('aborts a job whose upload was not closed and sends only its rows and the rest again', async () => {
    const records = accounts('J3', 3000)
    const before = (await ingestJobs()).length
    // About 15 bytes a row, 46,000 in all: 15,000 bytes per job gives 4 jobs; die once job 2 is uploaded.
    const dying = crashingScope(
      'inv-3',
      (e) => e.jobs.length === 2 && e.jobs[1]!.rows !== undefined,
    )
    await expect(insertMany(dying, records, 15_000)).rejects.toBeInstanceOf(Crash)
    const [left] = await jobs.bulkJobs.list({ invocationId: 'inv-3' })
    expect(left?.jobIds).toHaveLength(2)
    const [firstJob, openJob] = left!.jobIds

    const results = await insertMany(jobs.bulkJobs.scopeFor('inv-3'), records, 15_000)
    expectMatched(records, results)
    const created = (await ingestJobs()).slice(before)
    expect(created.find((j) => j.id === openJob)?.state).toBe('Aborted')
    expect(created.find((j) => j.id === firstJob)?.state).toBe('JobComplete')
    const [done] = await jobs.bulkJobs.list({ invocationId: 'inv-3' })
    expect(done?.jobIds[0]).toBe(firstJob)
    expect(done?.jobIds).not.toContain(openJob)
    expect(done).toMatchObject({ state: 'JobComplete', recordsProcessed: 3000 })
    expect(copies('J3').size).toBe(3000 - 12)
    expect([...copies('J3').values()].every((c) => c === 1)).toBe(true)
  })

  it('resumes a CSV ingest without reading the file again, and closes the unread stream', async () => {
    const csv = ['Name,AccountNumber', ...Array.from({ length: 500 }, (_, i) => `C-${i},J4#${i}`)]
    const text = csv.join('\n') + '\n'
    const run = (stream: Readable) =>
      runWithBulkJournal(jobs.bulkJobs.scopeFor('inv-4'), () =>
        client.data.bulk.ingest({ object: 'Account', operation: 'insert', poll }, { csv: stream }),
      )
    const first = await run(Readable.from([text]))
    const before = (await ingestJobs()).length
    const stream = Readable.from([text])
    const again = await run(stream)
    expect(stream.destroyed).toBe(true)
    expect(again.recordsUploaded).toBe(500)
    expect(again.jobs.map((j) => [j.id, j.state])).toEqual(
      first.jobs.map((j) => [j.id, 'JobComplete']),
    )
    expect((await ingestJobs()).length).toBe(before)
    expect(copies('J4').size).toBe(500)
  })

  it('lists tracked calls with `forcebridge bulk jobs`', async () => {
    process.env.FORCEBRIDGE_HOME = home
    process.env.FORCEBRIDGE_LOG_LEVEL = 'warn'
    const { database, secretKey } = dialect.options()
    if (database?.dialect === 'postgres') process.env.FORCEBRIDGE_DATABASE_URL = database.url
    if (secretKey) process.env.FORCEBRIDGE_SECRET_KEY = secretKey
    const r = await runCli('bulk', 'jobs')
    expect(r.code, r.err).toBe(0)
    const lines = r.out.trim().split('\n')
    expect(lines[0]).toMatch(/^id\s+object\s+operation\s+state\s+processed\s+failed\s+age/)
    const row = lines.find((l) => l.includes('inv-1#1'))
    expect(row).toMatch(/Account\s+insert\s+JobComplete\s+2500\s+10\s+\d+s/)
    const json = await runCli('bulk', 'jobs', '--json', '--limit', '1')
    expect(JSON.parse(json.out)).toHaveLength(1)
  })

  it('forgets calls Salesforce no longer keeps (untouched for 7 days), and only those', async () => {
    const tracked = await jobs.bulkJobs.list({ limit: 1000 })
    expect(tracked.length).toBeGreaterThan(0)
    // A week later, as seen by a store whose clock runs 7 days and a minute ahead.
    const later = new BulkJobStore(store, {
      now: () => Date.now() + BULK_JOB_RETENTION_MS + 60_000,
    })
    expect(await jobs.bulkJobs.prune()).toBe(0)
    expect(await later.prune()).toBe(tracked.length)
    expect(await jobs.bulkJobs.list()).toEqual([])
  })
})
