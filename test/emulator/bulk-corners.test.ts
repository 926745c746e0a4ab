// The corners of Bulk API 2.0 and collections that common clients hit: an empty upload, query
// results paged by maxRecords and Sforce-Locator (with the default page and the pre-49.0
// numeric locator), and `created` on a failed upsert in an sObject Collection.

import jsforce from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { demoToken } from './fixtures/demo-token.js'

let emu: EmulatorHandle
let token: string

interface Answer {
  status: number
  headers: Headers
  text: string
}

async function call(method: string, path: string, body?: unknown, version = '62.0') {
  const csv = typeof body === 'string'
  const res = await fetch(`${emu.url}/services/data/v${version}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': csv ? 'text/csv' : 'application/json',
    },
    ...(body === undefined ? {} : { body: csv ? body : JSON.stringify(body) }),
  })
  return { status: res.status, headers: res.headers, text: await res.text() } satisfies Answer
}

const json = <T>(a: Answer) => JSON.parse(a.text) as T

async function waitForEnd(kind: 'ingest' | 'query', id: string, version = '62.0') {
  for (let i = 0; i < 2000; i++) {
    const info = json<{ state: string; numberRecordsProcessed: number; errorMessage?: string }>(
      await call('GET', `/jobs/${kind}/${id}`, undefined, version),
    )
    if (['JobComplete', 'Failed', 'Aborted'].includes(info.state)) return info
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error(`job ${id} did not end`)
}

beforeAll(async () => {
  // Query results pages of 40 rows unless the client sends maxRecords.
  emu = await startEmulator({ bulk: { queryPageSize: 40 } })
  token = await demoToken(emu.url)
})
afterAll(() => emu.close())

describe('Bulk API 2.0 empty uploads', () => {
  it.each([
    ['an empty body', ''],
    ['a header row alone', 'Name\n'],
  ])('completes a job uploaded with %s as an empty job', async (_what, csv) => {
    const id = json<{ id: string }>(
      await call('POST', '/jobs/ingest', { object: 'Account', operation: 'insert' }),
    ).id
    expect((await call('PUT', `/jobs/ingest/${id}/batches`, csv)).status).toBe(201)
    expect((await call('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })).status).toBe(
      200,
    )
    expect(await waitForEnd('ingest', id)).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 0,
    })
    const ok = await call('GET', `/jobs/ingest/${id}/successfulResults`)
    expect(ok.status).toBe(200)
    expect(ok.text.trim().split('\n')).toHaveLength(1)
    expect(ok.text).toMatch(/^"sf__Id","sf__Created"/)
    expect((await call('GET', `/jobs/ingest/${id}/failedResults`)).status).toBe(200)
  })

  it('completes a job closed without any upload', async () => {
    const id = json<{ id: string }>(
      await call('POST', '/jobs/ingest', { object: 'Account', operation: 'insert' }),
    ).id
    await call('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })
    expect((await waitForEnd('ingest', id)).state).toBe('JobComplete')
  })

  it('lets jsforce bulk load an empty list', async () => {
    const conn = new jsforce.Connection({
      instanceUrl: emu.url,
      accessToken: token,
      version: '62.0',
    })
    conn.bulk2.pollInterval = 10
    const res = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'insert',
      input: 'Name\n',
    })
    expect(res.successfulResults).toEqual([])
    expect(res.failedResults).toEqual([])
  })
})

describe('Bulk API 2.0 query result pages', () => {
  let jobId: string
  beforeAll(async () => {
    const rows = Array.from({ length: 100 }, (_, i) => `Pager ${String(i).padStart(3, '0')}`)
    const id = json<{ id: string }>(
      await call('POST', '/jobs/ingest', { object: 'Account', operation: 'insert' }),
    ).id
    await call('PUT', `/jobs/ingest/${id}/batches`, `Name\n${rows.join('\n')}\n`)
    await call('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })
    await waitForEnd('ingest', id)
    jobId = json<{ id: string }>(
      await call('POST', '/jobs/query', {
        query: "SELECT Name FROM Account WHERE Name LIKE 'Pager%' ORDER BY Name",
      }),
    ).id
    await waitForEnd('query', jobId)
  })

  /** Follows Sforce-Locator to the literal `null`; answers the row counts and locators. */
  async function readAll(query: string, id = jobId, version = '62.0') {
    const counts: number[] = []
    const locators: string[] = []
    const names: string[] = []
    let locator = ''
    do {
      const sep = query === '' && locator === '' ? '' : '?'
      const params = [query, locator === '' ? '' : `locator=${locator}`].filter(Boolean).join('&')
      const page = await call('GET', `/jobs/query/${id}/results${sep}${params}`, undefined, version)
      expect(page.status).toBe(200)
      const lines = page.text.trim().split('\n')
      expect(lines[0]).toBe('"Name"')
      names.push(...lines.slice(1))
      counts.push(Number(page.headers.get('sforce-numberofrecords')))
      locator = page.headers.get('sforce-locator') ?? 'missing'
      locators.push(locator)
    } while (locator !== 'null')
    return { counts, locators, names }
  }

  it('pages by the default page size when the client sends no maxRecords', async () => {
    const { counts, names } = await readAll('')
    expect(counts).toEqual([40, 40, 20])
    expect(names).toHaveLength(100)
    expect(names[0]).toBe('"Pager 000"')
    expect(names[99]).toBe('"Pager 099"')
  })

  it('pages by maxRecords, with opaque locators that can be read again', async () => {
    const { counts, locators } = await readAll('maxRecords=30')
    expect(counts).toEqual([30, 30, 30, 10])
    expect(locators.at(-1)).toBe('null')
    expect(locators[0]).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(locators[0]).not.toBe('30')
    const again = await call(
      'GET',
      `/jobs/query/${jobId}/results?maxRecords=30&locator=${locators[0]}`,
    )
    expect(again.text.trim().split('\n')[1]).toBe('"Pager 030"')
  })

  it('gives numeric locators before API 49.0', async () => {
    const id = json<{ id: string }>(
      await call(
        'POST',
        '/jobs/query',
        { query: "SELECT Name FROM Account WHERE Name LIKE 'Pager%' ORDER BY Name" },
        '48.0',
      ),
    ).id
    await waitForEnd('query', id, '48.0')
    const { counts, locators } = await readAll('maxRecords=45', id, '48.0')
    expect(counts).toEqual([45, 45, 10])
    expect(locators).toEqual(['45', '90', 'null'])
  })
})

describe('Bulk API 2.0 query results through jsforce', () => {
  // jsforce 3 pipes every results page into one stream that the first page ends, so it reads
  // only single-page results: it works against Salesforce because Salesforce's default pages
  // are large, and it broke on the emulator's former 10,000-row pages.
  it('reads 12,000 rows in one default page', async () => {
    const big = await startEmulator()
    try {
      const user = { userId: [...big.org.rows('User')][0]!.Id }
      big.org.transaction(() => {
        for (let i = 0; i < 12_000; i++) big.org.create('Account', { Name: `Many ${i}` }, user)
      })
      const conn = new jsforce.Connection({
        instanceUrl: big.url,
        accessToken: await demoToken(big.url),
        version: '62.0',
      })
      conn.bulk2.pollInterval = 10
      const records = await conn.bulk2.query("SELECT Id FROM Account WHERE Name LIKE 'Many %'")
      const all: unknown[] = []
      for await (const r of records) all.push(r)
      expect(all).toHaveLength(12_000)
    } finally {
      await big.close()
    }
  }, 60_000)
})

describe('sObject Collections upsert', () => {
  // A valid Account id that names no record: the lookup refuses it.
  const ABSENT = '001000000000000AAA'

  it('sends created: false on a failed record, as UpsertResult always carries it', async () => {
    const res = await call('PATCH', '/composite/sobjects/Invoice__c/Number__c', {
      allOrNone: false,
      records: [
        { attributes: { type: 'Invoice__c' }, Number__c: 'INV-1' },
        { attributes: { type: 'Invoice__c' }, Number__c: 'INV-2', Account__c: ABSENT },
      ],
    })
    expect(res.status).toBe(200)
    const [ok, failed] = json<Record<string, unknown>[]>(res)
    expect(ok).toMatchObject({ success: true, errors: [], created: true })
    expect(failed).toMatchObject({ success: false, created: false })
    expect(failed!.errors).toHaveLength(1)
    expect(failed).not.toHaveProperty('id')
  })

  it('sends created: false on records rolled back by allOrNone', async () => {
    const res = await call('PATCH', '/composite/sobjects/Invoice__c/Number__c', {
      allOrNone: true,
      records: [
        { attributes: { type: 'Invoice__c' }, Number__c: 'INV-3' },
        { attributes: { type: 'Invoice__c' }, Number__c: 'INV-4', Account__c: ABSENT },
      ],
    })
    for (const r of json<Record<string, unknown>[]>(res))
      expect(r).toMatchObject({ success: false, created: false })
  })
})
