// Bulk API 2.0 uploads larger than the pieces the emulator keeps them in on disk: every row
// loads once and comes back in the result files as uploaded (quoted values spanning lines,
// doubled quotes, CRLF), a fault late in the upload fails the job with nothing loaded, and an
// aborted job answers exactly its unprocessed rows.

import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { demoToken } from './fixtures/demo-token.js'

let emu: EmulatorHandle
let token: string

async function call(method: string, path: string, body?: unknown) {
  const csv = typeof body === 'string'
  const res = await fetch(`${emu.url}/services/data/v62.0${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': csv ? 'text/csv' : 'application/json',
    },
    ...(body === undefined ? {} : { body: csv ? body : JSON.stringify(body) }),
  })
  return { status: res.status, text: await res.text() }
}

interface JobInfo {
  id: string
  state: string
  numberRecordsProcessed: number
  numberRecordsFailed: number
  errorMessage?: string
}

async function info(id: string): Promise<JobInfo> {
  return JSON.parse((await call('GET', `/jobs/ingest/${id}`)).text) as JobInfo
}

async function waitForEnd(id: string): Promise<JobInfo> {
  for (let i = 0; i < 4000; i++) {
    const job = await info(id)
    if (['JobComplete', 'Failed', 'Aborted'].includes(job.state)) return job
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error(`job ${id} did not end`)
}

async function upload(csv: string, spec: Record<string, string> = {}): Promise<string> {
  const { id } = JSON.parse(
    (await call('POST', '/jobs/ingest', { object: 'Account', operation: 'insert', ...spec })).text,
  ) as { id: string }
  expect((await call('PUT', `/jobs/ingest/${id}/batches`, csv)).status).toBe(201)
  expect((await call('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })).status).toBe(200)
  return id
}

const quoted = (v: string) => (v === '' ? '' : `"${v.replaceAll('"', '""')}"`)
const csvOf = (rows: string[][], eol: string) =>
  rows.map((r) => r.map(quoted).join(',')).join(eol) + eol

/** About 1.3 MB of Accounts (several stored pieces); every 1000th row has no Name. */
function accounts(tag: string, n: number): string[][] {
  const rows: string[][] = []
  for (let i = 0; i < n; i++) {
    const name = i % 1000 === 999 ? '' : `${tag} ${i}, "Ltd"`
    rows.push([name, `line one of ${i}\nline "two", with a comma; padding ${'x'.repeat(40)}`])
  }
  return rows
}

async function accountCount(prefix: string): Promise<number> {
  const q = encodeURIComponent(`SELECT COUNT() FROM Account WHERE Name LIKE '${prefix}%'`)
  return (JSON.parse((await call('GET', `/query?q=${q}`)).text) as { totalSize: number }).totalSize
}

beforeAll(async () => {
  emu = await startEmulator({ bulk: { chunkSize: 2000, tickMs: 0 } })
  token = await demoToken(emu.url)
})
afterAll(() => emu.close())

describe('Bulk API 2.0 uploads of many pieces', () => {
  it('loads every row once and returns each in its result file as uploaded', async () => {
    const rows = accounts('Piece', 12_000)
    const id = await upload(csvOf([['Name', 'Description'], ...rows], '\r\n'), {
      lineEnding: 'CRLF',
    })
    expect(await waitForEnd(id)).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 12_000,
      numberRecordsFailed: 12,
    })
    expect(await accountCount('Piece ')).toBe(11_988)

    const ok = (await call('GET', `/jobs/ingest/${id}/successfulResults`)).text
    const okRows: string[][] = parse(ok, { record_delimiter: '\r\n' })
    expect(okRows[0]).toEqual(['sf__Id', 'sf__Created', 'Name', 'Description'])
    expect(okRows.slice(1).map((r) => r.slice(2))).toEqual(rows.filter((r) => r[0] !== ''))
    expect(new Set(okRows.slice(1).map((r) => r[0])).size).toBe(11_988)
    expect(okRows.slice(1).every((r) => r[1] === 'true')).toBe(true)
    // Every non-empty value quoted, quotes doubled, CRLF after each line.
    expect(ok.split('\r\n')[1]).toMatch(/^"001\w{15}","true","Piece 0, ""Ltd""","line one of 0\n/)

    const failed = (await call('GET', `/jobs/ingest/${id}/failedResults`)).text
    const failedRows: string[][] = parse(failed, { record_delimiter: '\r\n' })
    expect(failedRows).toHaveLength(13)
    expect(failedRows[1]).toEqual([
      '',
      'REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --',
      '',
      rows[999]![1],
    ])
    expect((await call('GET', `/jobs/ingest/${id}/unprocessedrecords`)).text).toBe(
      '"Name","Description"\r\n',
    )
  })

  it('fails a job whose upload turns bad near its end, with nothing loaded', async () => {
    const good = csvOf([['Name', 'Description'], ...accounts('Late', 10_000)], '\n')
    const unclosed = await upload(`${good}"Late bad,never closed\n`)
    const job = await waitForEnd(unclosed)
    expect(job.state).toBe('Failed')
    expect(job.errorMessage).toMatch(/^InvalidBatch : Quote Not Closed/)
    const short = await upload(`${good}"Late short"\n`)
    expect((await waitForEnd(short)).errorMessage).toMatch(
      /^InvalidBatch : Invalid Record Length: expect 2, got 1 on line 20002/,
    )
    expect(await accountCount('Late ')).toBe(0)
  })

  it('answers the rows an aborted job never reached as its unprocessed records', async () => {
    const slow = await startEmulator({ bulk: { chunkSize: 200, tickMs: 20 } })
    const fast = emu
    emu = slow
    try {
      token = await demoToken(emu.url)
      const rows = accounts('Abort', 12_000)
      const id = await upload(csvOf([['Name', 'Description'], ...rows], '\n'))
      while ((await info(id)).numberRecordsProcessed < 1000)
        await new Promise((r) => setTimeout(r, 10))
      expect((await call('PATCH', `/jobs/ingest/${id}`, { state: 'Aborted' })).status).toBe(200)
      const done = (await info(id)).numberRecordsProcessed
      expect(done).toBeLessThan(12_000)
      const ok = parse((await call('GET', `/jobs/ingest/${id}/successfulResults`)).text)
      const failed = parse((await call('GET', `/jobs/ingest/${id}/failedResults`)).text)
      expect(ok.length - 1 + failed.length - 1).toBe(done)
      expect((await call('GET', `/jobs/ingest/${id}/unprocessedrecords`)).text).toBe(
        csvOf([['Name', 'Description'], ...rows.slice(done)], '\n'),
      )
      expect((await call('DELETE', `/jobs/ingest/${id}`)).status).toBe(204)
      expect((await call('GET', `/jobs/ingest/${id}/successfulResults`)).status).toBe(404)
    } finally {
      emu = fast
      await slow.close()
      token = await demoToken(emu.url)
    }
  })
})
