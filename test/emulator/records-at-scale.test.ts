// Records live in SQLite, not in the heap: 100,000 Invoice__c records through Bulk API 2.0
// leave the emulator's heap about where it was (the in-memory store took ~2 KB a record),
// indexed lookups and a full-scan query still answer exactly, and a restart with a data
// folder keeps the records without loading them.

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
  return res.body as { totalSize: number; records: Record<string, unknown>[] }
}

describe('records at scale', () => {
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
