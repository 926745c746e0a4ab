// Records live in SQLite, not in the heap: 100,000 Invoice__c records through Bulk API 2.0
// leave the emulator's heap about where it was (the in-memory store took ~2 KB a record),
// indexed lookups and a full-scan query still answer exactly, and a restart with a data
// folder keeps the records without loading them. Sorting, grouping and counting them runs
// in an emulator whose heap is capped below what the selection would take in the heap, as
// does a Bulk API 1.0 query of all of them.

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { apiClient, passwordLogin } from './login-helper.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Heap in use after a full collection, in bytes. */
function heapUsed(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

const dataDir = mkdtempSync(join(tmpdir(), 'fb-scale-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

type Api = ReturnType<typeof apiClient>

async function connect(emu: EmulatorHandle): Promise<Api> {
  return apiClient(emu.url, (await passwordLogin(emu.url)).access_token)
}

/** Inserts Invoice__c rows INV-<from>..INV-<to - 1> through Bulk 2.0 jobs, deleting each job. */
async function bulkInsert(api: Api, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 50_000) {
    const end = Math.min(to, start + 50_000)
    const lines = ['Number__c,Amount__c,Status__c']
    for (let i = start; i < end; i++)
      lines.push(`INV-${i},${i % 1000}.25,${i % 3 === 0 ? 'Paid' : 'Sent'}`)
    const { id } = (
      await api('POST', '/jobs/ingest', { object: 'Invoice__c', operation: 'insert' })
    ).body as { id: string }
    const csv = { 'content-type': 'text/csv' }
    expect((await api('PUT', `/jobs/ingest/${id}/batches`, lines.join('\n'), csv)).status).toBe(201)
    await api('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })
    for (;;) {
      const info = (await api('GET', `/jobs/ingest/${id}`)).body as Record<string, unknown>
      if (info.state === 'JobComplete') {
        expect(info.numberRecordsFailed).toBe(0)
        break
      }
      expect(info.state).not.toBe('Failed')
      await new Promise((r) => setTimeout(r, 50))
    }
    // A finished job holds its result rows until deleted.
    expect((await api('DELETE', `/jobs/ingest/${id}`)).status).toBe(204)
  }
}

async function query(api: Api, soql: string) {
  const res = await api('GET', `/query?q=${encodeURIComponent(soql)}`)
  expect(res.status).toBe(200)
  return res.body as {
    totalSize: number
    nextRecordsUrl?: string
    records: Record<string, unknown>[]
  }
}

/** A number equal to `n` up to float rounding. */
const near = (n: number): unknown => expect.closeTo(n, 2)

/** The sum of the Amount__c values bulkInsert gives the rows 0..99,999 that `pick` keeps. */
function sumAmounts(pick: (i: number) => boolean): number {
  let sum = 0
  for (let i = 0; i < 100_000; i++) if (pick(i)) sum += (i % 1000) + 0.25
  return sum
}

/**
 * The built emulator (`npm run build`) in a child process whose V8 heap is capped at
 * `heapMb`: past the cap the process dies, so answers from it show the heap stayed under.
 */
async function cappedEmulator(heapMb: number) {
  const dist = new URL('../../dist/emulator/index.js', import.meta.url).href
  const script = `
const { startEmulator } = await import(${JSON.stringify(dist)})
const emu = await startEmulator({ port: 0, bulk: { chunkSize: 5000, tickMs: 0 } })
process.send({ url: emu.url })
process.on('message', () => void emu.close().then(() => process.exit(0)))`
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, '--input-type=module', '-e', script],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  )
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url))
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${stderr}`)))
  })
  return {
    url,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.send('stop')
      }),
  }
}

// Held in the heap, 100,000 selected records took ~200 MB (2 KB a record); the emulator
// itself needs about 40 MB.
const HEAP_CAP_MB = 96

describe('records at scale', () => {
  it(`sorts, groups, counts and Bulk 1.0-queries 100,000 records in an emulator whose heap is capped at ${HEAP_CAP_MB} MB`, async () => {
    const emu = await cappedEmulator(HEAP_CAP_MB)
    try {
      const token = (await passwordLogin(emu.url)).access_token
      const api = apiClient(emu.url, token)
      await bulkInsert(api, 0, 100_000)

      // ORDER BY over every record, paged through nextRecordsUrl to the end: text order
      // (INV-99999 before INV-9999), the same totalSize on every page.
      const expected = Array.from({ length: 100_000 }, (_, i) => `INV-${i}`)
        .sort()
        .reverse()
      let page = await query(api, 'SELECT Number__c FROM Invoice__c ORDER BY Number__c DESC')
      const seen: unknown[] = []
      for (;;) {
        expect(page.totalSize).toBe(100_000)
        for (const r of page.records) seen.push(r.Number__c)
        if (page.nextRecordsUrl === undefined) break
        const next = await api('GET', page.nextRecordsUrl)
        expect(next.status).toBe(200)
        page = next.body as typeof page
      }
      expect(seen).toEqual(expected)

      // Ties keep insertion order; OFFSET and LIMIT apply after the sort (in the heap for a
      // small LIMIT, on disk for a large one).
      const rows = Array.from({ length: 100_000 }, (_, i) => ({
        n: `INV-${i}`,
        amount: (i % 1000) + 0.25,
        status: i % 3 === 0 ? 'Paid' : 'Sent',
      }))
      const byStatus = [...rows].sort(
        (a, b) => a.status.localeCompare(b.status) || b.amount - a.amount,
      )
      const slice = await query(
        api,
        'SELECT Number__c FROM Invoice__c ORDER BY Status__c, Amount__c DESC LIMIT 3 OFFSET 1',
      )
      expect(slice.records.map((r) => r.Number__c)).toEqual(byStatus.slice(1, 4).map((r) => r.n))
      const byAmount = [...rows].sort((a, b) => a.amount - b.amount || (a.n < b.n ? -1 : 1))
      const wide = await query(
        api,
        'SELECT Number__c FROM Invoice__c ORDER BY Amount__c, Number__c LIMIT 10000 OFFSET 2000',
      )
      expect(wide.totalSize).toBe(10_000)
      expect(wide.records.map((r) => r.Number__c)).toEqual(
        byAmount.slice(2000, 4000).map((r) => r.n),
      )

      const groups = await query(
        api,
        'SELECT Status__c, COUNT(Id) n, SUM(Amount__c) total FROM Invoice__c GROUP BY Status__c ORDER BY Status__c',
      )
      expect(groups.records.map(({ attributes: _, ...g }) => g)).toEqual([
        { Status__c: 'Paid', n: 33_334, total: near(sumAmounts((i) => i % 3 === 0)) },
        { Status__c: 'Sent', n: 66_666, total: near(sumAmounts((i) => i % 3 !== 0)) },
      ])
      expect((await query(api, 'SELECT COUNT() FROM Invoice__c')).totalSize).toBe(100_000)

      // OwnerId is keyed, and the Bulk load gave every row one owner: a lookup by it streams
      // the 100,000 matches from the key (past 10,000 they are not gathered), each once, and
      // an owner of none answers at once from the key.
      const [{ OwnerId: owner }] = (await query(api, 'SELECT OwnerId FROM Invoice__c LIMIT 1'))
        .records as [{ OwnerId: string }]
      let mine = await query(
        api,
        `SELECT Number__c FROM Invoice__c WHERE OwnerId IN ('${owner}', '005000000000999')`,
      )
      const owned = new Set<unknown>()
      for (;;) {
        for (const r of mine.records) owned.add(r.Number__c)
        if (mine.nextRecordsUrl === undefined) break
        mine = (await api('GET', mine.nextRecordsUrl)).body as typeof mine
      }
      expect(owned.size).toBe(100_000)
      expect(mine.totalSize).toBe(100_000)
      const first = await query(
        api,
        `SELECT Number__c FROM Invoice__c WHERE OwnerId = '${owner}' LIMIT 3`,
      )
      expect(first.records.map((r) => r.Number__c)).toEqual(['INV-0', 'INV-1', 'INV-2'])
      expect(
        (await query(api, "SELECT Id FROM Invoice__c WHERE OwnerId = '005000000000999'"))
          .totalSize,
      ).toBe(0)

      // A Bulk API 1.0 query batch: its records wait in the result store, served as CSV.
      const v1 = async (method: string, path: string, body: string, type: string) => {
        const res = await fetch(`${emu.url}/services/async/62.0${path}`, {
          method,
          headers: { 'content-type': type, 'x-sfdc-session': token },
          body: method === 'GET' ? undefined : body,
        })
        expect(res.status).toBeLessThan(300)
        return res.text()
      }
      const json = 'application/json'
      const job = JSON.parse(
        await v1(
          'POST',
          '/job',
          '{"operation":"query","object":"Invoice__c","contentType":"CSV"}',
          json,
        ),
      ) as { id: string }
      // A CSV job's batch info and result list are XML.
      const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</`).exec(xml)?.[1]
      const batch = tag(
        await v1('POST', `/job/${job.id}/batch`, 'SELECT Number__c FROM Invoice__c', 'text/csv'),
        'id',
      )
      for (;;) {
        const state = tag(await v1('GET', `/job/${job.id}/batch/${batch}`, '', 'text/csv'), 'state')
        if (state === 'Completed') break
        expect(state).toMatch(/Queued|InProgress/)
        await new Promise((r) => setTimeout(r, 50))
      }
      const resultId = tag(
        await v1('GET', `/job/${job.id}/batch/${batch}/result`, '', 'text/csv'),
        'result',
      )
      const csv = (
        await v1('GET', `/job/${job.id}/batch/${batch}/result/${resultId}`, '', 'text/csv')
      )
        .split('\n')
        .filter((l) => l !== '')
      expect(csv).toHaveLength(100_001)
      expect([csv[0], csv[1], csv[100_000]]).toEqual(['"Number__c"', '"INV-0"', '"INV-99999"'])
      expect(emu.alive()).toBe(true)
    } finally {
      await emu.stop()
    }
  }, 240_000)

  it('keeps 100,000 Bulk-inserted records out of the heap and finds them by index', async () => {
    const emu = await startEmulator({ bulk: { chunkSize: 5000, tickMs: 0 } })
    try {
      const api = await connect(emu)
      await bulkInsert(api, 0, 1000)
      const before = heapUsed()
      await bulkInsert(api, 1000, 100_000)
      const grown = heapUsed() - before
      // In the heap, 99,000 records took ~200 MB; allow 10 MB of noise and caches.
      expect(grown).toBeLessThan(10 * 1024 * 1024)

      const byExt = await query(
        api,
        "SELECT Id, Number__c, Amount__c FROM Invoice__c WHERE Number__c = 'inv-77777'",
      )
      expect(byExt.records).toHaveLength(1)
      expect(byExt.records[0]).toMatchObject({ Number__c: 'INV-77777', Amount__c: 777.25 })
      const id = byExt.records[0]!.Id as string
      const byId = await query(
        api,
        `SELECT Number__c FROM Invoice__c WHERE Id = '${id.slice(0, 15)}'`,
      )
      expect(byId.records.map((r) => r.Number__c)).toEqual(['INV-77777'])
      const rest = await api('GET', `/sobjects/Invoice__c/Number__c/INV-99999`)
      expect(rest.body).toMatchObject({ Number__c: 'INV-99999', Status__c: 'Paid' })

      const some = await query(
        api,
        "SELECT Number__c FROM Invoice__c WHERE Number__c IN ('INV-3', 'INV-4', 'INV-6', 'NOPE') AND Status__c = 'Paid' ORDER BY Number__c",
      )
      expect(some.records.map((r) => r.Number__c)).toEqual(['INV-3', 'INV-6'])
      // No index applies: a streamed scan of every row.
      const paid = await query(api, "SELECT COUNT() FROM Invoice__c WHERE Status__c = 'Paid'")
      expect(paid.totalSize).toBe(33_334)
      // A duplicate external id is still refused through its index.
      const dup = await api('POST', '/sobjects/Invoice__c', { Number__c: 'INV-500' })
      expect(dup.status).toBe(400)

      // A full Bulk query export: the finished job's rows wait on disk, not in the heap
      // (held as CSV cells, 100,000 rows took ~12 MB), and every page reads back in order.
      const heapBefore = heapUsed()
      const job = (
        await api('POST', '/jobs/query', {
          operation: 'query',
          query: 'SELECT Number__c, Amount__c FROM Invoice__c',
        })
      ).body as { id: string }
      for (;;) {
        const info = (await api('GET', `/jobs/query/${job.id}`)).body as Record<string, unknown>
        if (info.state === 'JobComplete') {
          expect(info.numberRecordsProcessed).toBe(100_000)
          break
        }
        expect(info.state).not.toBe('Failed')
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(heapUsed() - heapBefore).toBeLessThan(4 * 1024 * 1024)
      let next = 0
      let locator = ''
      for (;;) {
        const page = await api(
          'GET',
          `/jobs/query/${job.id}/results?maxRecords=30000${locator ? `&locator=${locator}` : ''}`,
        )
        const lines = (page.body as string).split('\n').filter((l) => l !== '')
        expect(lines[0]).toBe('"Number__c","Amount__c"')
        for (const line of lines.slice(1)) {
          expect(line).toBe(`"INV-${next}","${next % 1000}.25"`)
          next++
        }
        locator = page.headers.get('sforce-locator')!
        if (locator === 'null') break
      }
      expect(next).toBe(100_000)
    } finally {
      await emu.close()
    }
  }, 120_000)

  it('keeps records in the data folder across a restart without loading them', async () => {
    const first = await startEmulator({ dataDir, bulk: { chunkSize: 5000, tickMs: 0 } })
    let lastId: string
    try {
      const api = await connect(first)
      await bulkInsert(api, 0, 30_000)
      lastId = (await query(api, "SELECT Id FROM Invoice__c WHERE Number__c = 'INV-29999'"))
        .records[0]!.Id as string
    } finally {
      await first.close()
    }

    const before = heapUsed()
    const second = await startEmulator({ dataDir })
    try {
      // Loaded whole, 30,000 records took ~60 MB; started lazily the heap barely moves.
      expect(heapUsed() - before).toBeLessThan(15 * 1024 * 1024)
      const api = await connect(second)
      const found = await query(
        api,
        "SELECT Id, Amount__c FROM Invoice__c WHERE Number__c = 'INV-12345'",
      )
      expect(found.records[0]).toMatchObject({ Amount__c: 345.25 })
      expect((await query(api, 'SELECT COUNT() FROM Invoice__c')).totalSize).toBe(30_000)
      const created = await api('POST', '/sobjects/Invoice__c', { Number__c: 'INV-NEW' })
      expect(created.status).toBe(201)
      expect((created.body as { id: string }).id > lastId).toBe(true)
    } finally {
      await second.close()
    }
  }, 60_000)
})
