// Query results served page by page from the emulator's result store: a Bulk 2.0 query job's
// pages come back complete and in order, quoted as Salesforce writes them, and stay as they
// were when the job finished; a REST query over more rows than one page walks
// nextRecordsUrl to the end in insertion order, and its cursor is a snapshot (records
// changed, deleted or added after the query ran do not change its pages). The tests run in
// order on one org: the last REST test changes its data.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { apiClient, passwordLogin } from './login-helper.js'

const ROWS = 4500

let emu: EmulatorHandle
let api: ReturnType<typeof apiClient>

async function waitFor(kind: 'ingest' | 'query', id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const info = (await api('GET', `/jobs/${kind}/${id}`)).body as Record<string, unknown>
    if (info.state === 'JobComplete') return info
    if (info.state === 'Failed' || info.state === 'Aborted') throw new Error(JSON.stringify(info))
    await new Promise((r) => setTimeout(r, 20))
  }
}

beforeAll(async () => {
  emu = await startEmulator({ bulk: { chunkSize: 5000, tickMs: 0 } })
  api = apiClient(emu.url, (await passwordLogin(emu.url)).access_token)
  const lines = ['Number__c,Amount__c,Status__c']
  for (let i = 0; i < ROWS; i++) lines.push(`Q-${i},${i}.5,${i % 2 === 0 ? 'Paid' : 'Sent'}`)
  // One row whose number needs quoting in CSV: a quote and a comma.
  lines.push('"Q-""odd"", one",1,Sent')
  const { id } = (await api('POST', '/jobs/ingest', { object: 'Invoice__c', operation: 'insert' }))
    .body as { id: string }
  await api('PUT', `/jobs/ingest/${id}/batches`, lines.join('\n'), { 'content-type': 'text/csv' })
  await api('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })
  expect((await waitFor('ingest', id)).numberRecordsFailed).toBe(0)
}, 60_000)

afterAll(async () => {
  await emu?.close()
})

interface Page {
  totalSize: number
  done: boolean
  nextRecordsUrl?: string
  records: { Id: string; Number__c: string; Amount__c: number }[]
}

async function rest(path: string, batchSize = 2000): Promise<Page> {
  const res = await api('GET', path, undefined, {
    'sforce-query-options': `batchSize=${batchSize}`,
  })
  expect(res.status).toBe(200)
  return res.body as Page
}

const SOQL = "SELECT Id, Number__c, Amount__c FROM Invoice__c WHERE Number__c LIKE 'Q-%'"

describe('Bulk 2.0 query results', () => {
  async function exportAll(
    jobId: string,
    maxRecords: number,
  ): Promise<{ pages: number; lines: string[] }> {
    const lines: string[] = []
    let pages = 0
    let locator = ''
    for (;;) {
      const res = await api(
        'GET',
        `/jobs/query/${jobId}/results?maxRecords=${maxRecords}${locator ? `&locator=${locator}` : ''}`,
      )
      expect(res.status).toBe(200)
      const text = res.body as string
      const [header, ...rows] = text.split('\n').filter((l) => l !== '')
      expect(header).toBe('"Number__c","Amount__c"')
      expect(Number(res.headers.get('sforce-numberofrecords'))).toBe(rows.length)
      lines.push(...rows)
      pages++
      locator = res.headers.get('sforce-locator')!
      if (locator === 'null') return { pages, lines }
    }
  }

  it('serves every row once, in order, across many pages, as they were when the job finished', async () => {
    const { id } = (
      await api('POST', '/jobs/query', {
        operation: 'query',
        query: "SELECT Number__c, Amount__c FROM Invoice__c WHERE Number__c LIKE 'Q-%'",
      })
    ).body as { id: string }
    expect((await waitFor('query', id)).numberRecordsProcessed).toBe(ROWS + 1)
    // Data changed after the job finished does not change its results.
    await api('PATCH', '/sobjects/Invoice__c/Number__c/Q-7', { Amount__c: 70 })
    const { pages, lines } = await exportAll(id, 333)
    expect(pages).toBe(Math.ceil((ROWS + 1) / 333))
    expect(lines).toEqual([
      ...Array.from({ length: ROWS }, (_, i) => `"Q-${i}","${i}.5"`),
      '"Q-""odd"", one","1"',
    ])
    await api('PATCH', '/sobjects/Invoice__c/Number__c/Q-7', { Amount__c: 7.5 })

    // Deleted, the job and its stored rows are gone.
    expect((await api('DELETE', `/jobs/query/${id}`)).status).toBe(204)
    expect((await api('GET', `/jobs/query/${id}/results`)).status).toBe(404)
  })

  it('answers the header alone for an empty result', async () => {
    const { id } = (
      await api('POST', '/jobs/query', {
        operation: 'query',
        query: "SELECT Number__c, Amount__c FROM Invoice__c WHERE Number__c = 'none'",
      })
    ).body as { id: string }
    await waitFor('query', id)
    const res = await api('GET', `/jobs/query/${id}/results`)
    expect(res.body).toBe('"Number__c","Amount__c"\n')
    expect(res.headers.get('sforce-locator')).toBe('null')
    expect(res.headers.get('sforce-numberofrecords')).toBe('0')
  })
})

describe('REST query paging', () => {
  it('walks nextRecordsUrl through every row, in order, with the same totalSize on each page', async () => {
    const sizes: number[] = []
    const numbers: string[] = []
    let page = await rest(`/query?q=${encodeURIComponent(SOQL)}`)
    for (;;) {
      expect(page.totalSize).toBe(ROWS + 1)
      sizes.push(page.records.length)
      numbers.push(...page.records.map((r) => r.Number__c))
      if (page.done) break
      expect(page.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g\w{15}-\d+$/)
      page = await rest(page.nextRecordsUrl!)
    }
    expect(page.nextRecordsUrl).toBeUndefined()
    expect(sizes).toEqual([2000, 2000, 501])
    expect(numbers).toEqual([...Array.from({ length: ROWS }, (_, i) => `Q-${i}`), 'Q-"odd", one'])
  })

  it('answers one page, done, when the rows fit in it', async () => {
    const page = await rest(`/query?q=${encodeURIComponent(`${SOQL} AND Amount__c < 10`)}`, 200)
    expect(page).toMatchObject({ totalSize: 11, done: true })
    expect(page.records).toHaveLength(11)
  })

  it('keeps the pages of a cursor as they were when the query ran', async () => {
    const first = await rest(`/query?q=${encodeURIComponent(SOQL)}`)
    const second = first.nextRecordsUrl!
    // Change the data under the open cursor: an update and a delete on later pages, a new row.
    const changed = await rest(
      `/query?q=${encodeURIComponent("SELECT Id FROM Invoice__c WHERE Number__c IN ('Q-2500', 'Q-4400')")}`,
    )
    const [id2500, id4400] = changed.records.map((r) => r.Id)
    expect((await api('PATCH', `/sobjects/Invoice__c/${id2500}`, { Amount__c: 1 })).status).toBe(
      204,
    )
    expect((await api('DELETE', `/sobjects/Invoice__c/${id4400}`)).status).toBe(204)
    expect((await api('POST', '/sobjects/Invoice__c', { Number__c: 'Q-new' })).status).toBe(201)

    const two = await rest(second)
    const three = await rest(two.nextRecordsUrl!)
    expect(three.done).toBe(true)
    const later = [...two.records, ...three.records]
    expect(later).toHaveLength(ROWS + 1 - 2000)
    expect(later.find((r) => r.Number__c === 'Q-2500')?.Amount__c).toBe(2500.5)
    expect(later.some((r) => r.Number__c === 'Q-4400')).toBe(true)
    expect(later.some((r) => r.Number__c === 'Q-new')).toBe(false)
    expect(three.totalSize).toBe(ROWS + 1)
    // A locator can be read again, and gives the same page.
    expect((await rest(second)).records.map((r) => r.Id)).toEqual(two.records.map((r) => r.Id))

    // A new query sees the changes: one row fewer, one more, the new amount.
    const fresh = await rest(
      `/query?q=${encodeURIComponent(`${SOQL} AND Number__c IN ('Q-2500', 'Q-4400', 'Q-new')`)}`,
    )
    expect(fresh.records.map((r) => [r.Number__c, r.Amount__c])).toEqual([
      ['Q-2500', 1],
      ['Q-new', null],
    ])
    // Put the data back for the next test.
    await api('PATCH', `/sobjects/Invoice__c/${id2500}`, { Amount__c: 2500.5 })
  })

  it('refuses a locator it did not issue, or an offset outside its rows', async () => {
    const first = await rest(`/query?q=${encodeURIComponent(SOQL)}`)
    const base = first.nextRecordsUrl!.replace(/-\d+$/, '')
    for (const bad of [
      `${base}-100`,
      `${base}-99999`,
      '/services/data/v62.0/query/01g000000000000AAA-2000',
    ]) {
      const res = await api('GET', bad)
      expect(res.status).toBe(400)
      expect((res.body as { errorCode: string }[])[0]!.errorCode).toBe('INVALID_QUERY_LOCATOR')
    }
  })
})
