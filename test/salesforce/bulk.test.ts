import { Readable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Bulk, ingest, parseSfError, waitForJob } from '../../src/salesforce/bulk/index.js'
import { TestRequester } from './data-loopback.js'
import { startFakeBulk, type FakeBulk } from './bulk-fake-server.js'

const poll = { initialDelayMs: 1, maxDelayMs: 2, sleep: () => Promise.resolve() }
let server: FakeBulk | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** An async source, as a database cursor or a paged API would be. */
async function* generated(n: number) {
  for (let i = 0; i < n; i++) {
    await Promise.resolve()
    yield { Name: i % 10 === 3 ? `bad${i}` : `Acme, "${i}"`, Seq: i }
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

describe('bulk ingest', () => {
  it('streams an async iterable into several jobs when an upload would pass maxBytesPerJob', async () => {
    server = await startFakeBulk()
    const result = await ingest(
      new TestRequester(server.baseUrl),
      { object: 'Account', operation: 'insert', maxBytesPerJob: 4000, poll },
      generated(1000),
    )
    expect(result.recordsUploaded).toBe(1000)
    expect(result.jobs.length).toBeGreaterThan(3)
    expect(result.jobs.every((j) => j.state === 'JobComplete')).toBe(true)
    const uploads = [...server.jobs.values()].flatMap((j) => j.uploads)
    expect(uploads.every((u) => Buffer.byteLength(u) <= 4000)).toBe(true)
    expect(uploads.every((u) => u.startsWith('Name,Seq\n'))).toBe(true)
    const ok = await collect(result.successfulResults())
    const failed = await collect(result.failedResults())
    expect(ok).toHaveLength(900)
    expect(failed).toHaveLength(100)
    expect(ok.map((r) => Number(r.fields.Seq)).sort((a, b) => a - b)).toEqual(
      [...Array(1000).keys()].filter((i) => i % 10 !== 3),
    )
    expect(ok[0]?.fields.Name).toMatch(/^Acme, "\d+"$/)
    expect(failed[0]?.error).toEqual({
      code: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Industry]',
      fields: ['Industry'],
    })
    const created = server.calls.find((c) => c.method === 'POST')?.json()
    expect(created).toEqual({
      object: 'Account',
      operation: 'insert',
      contentType: 'CSV',
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    })
  })

  it('re-splits a CSV stream at row boundaries, quoted newlines included', async () => {
    server = await startFakeBulk()
    const lines = [
      'Name,Description\n',
      ...Array.from({ length: 300 }, (_, i) => `A${i},"line one\nline ""two"" ${i}"\n`),
    ]
    const csv = Readable.from(lines.map((l) => Buffer.from(l)))
    const result = await new Bulk(new TestRequester(server.baseUrl), { poll }).ingest(
      { object: 'Account', operation: 'insert', maxBytesPerJob: 3000 },
      { csv },
    )
    expect(result.jobs.length).toBeGreaterThan(1)
    const ok = await collect(result.successfulResults())
    expect(ok).toHaveLength(300)
    expect(ok.find((r) => r.fields.Name === 'A7')?.fields.Description).toBe(
      'line one\nline "two" 7',
    )
  })

  it('creates no job for empty input', async () => {
    server = await startFakeBulk()
    const result = await ingest(
      new TestRequester(server.baseUrl),
      { object: 'Account', operation: 'insert', poll },
      [],
    )
    expect(result.jobs).toEqual([])
    expect(server.calls).toHaveLength(0)
  })

  it('aborts the job and names the record when a record has a field outside the columns', async () => {
    server = await startFakeBulk()
    const records = [{ Name: 'a' }, { Name: 'b', Other__c: 'x' }]
    await expect(
      ingest(
        new TestRequester(server.baseUrl),
        { object: 'Account', operation: 'insert', poll },
        records,
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(
        /upload to job 750\w+ failed \(job aborted\).*Other__c/s,
      ) as unknown,
    })
    expect([...server.jobs.values()][0]?.state).toBe('Aborted')
  })

  it('reports unprocessed rows of a failed job', async () => {
    server = await startFakeBulk()
    server.failNextJob = true
    const result = await ingest(
      new TestRequester(server.baseUrl),
      { object: 'Account', operation: 'insert', poll },
      generated(5),
    )
    expect(result.jobs[0]?.state).toBe('Failed')
    expect(await collect(result.unprocessedRecords())).toHaveLength(5)
  })

  it('stops waiting with BULK_JOB_TIMEOUT and leaves the job running', async () => {
    server = await startFakeBulk()
    server.pollsBeforeDone = 1000
    const r = new TestRequester(server.baseUrl)
    const result = await ingest(
      r,
      { object: 'Account', operation: 'insert', wait: false },
      generated(3),
    )
    const id = result.jobs[0]!.id
    await expect(waitForJob(r, 'ingest', id, { ...poll, timeoutMs: 5 })).rejects.toMatchObject({
      code: 'BULK_JOB_TIMEOUT',
    })
    expect(server.jobs.get(id)?.state).toBe('InProgress')
  })

  it('parses sf__Error with and without the fields suffix', () => {
    expect(
      parseSfError('UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record:--'),
    ).toEqual({
      code: 'UNABLE_TO_LOCK_ROW',
      message: 'unable to obtain exclusive access to this record',
      fields: [],
    })
    expect(parseSfError('DUPLICATE_VALUE:duplicate value found: Ext__c')).toEqual({
      code: 'DUPLICATE_VALUE',
      message: 'duplicate value found: Ext__c',
      fields: [],
    })
  })
})

describe('bulk query', () => {
  it('reads pages one at a time following Sforce-Locator until null, with empty cells as null', async () => {
    server = await startFakeBulk()
    server.queryRows = Array.from({ length: 5 }, (_, i) => ({
      Id: `001R${String(i).padStart(14, '0')}`,
      Name: i === 2 ? '' : `N${i}`,
    }))
    const q = new Bulk(new TestRequester(server.baseUrl), { poll }).query<{
      Id: string
      Name: string | null
    }>('SELECT Id, Name FROM Account', {
      maxRecords: 2,
      operation: 'queryAll',
    })
    const it = q[Symbol.asyncIterator]()
    const first = await it.next()
    expect(first.value).toEqual({ Id: '001R00000000000000', Name: 'N0' })
    const resultsCalls = () => server!.calls.filter((c) => c.url.pathname.endsWith('/results'))
    expect(resultsCalls()).toHaveLength(1)
    const rest = []
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value)
    expect(rest.map((r) => r.Name)).toEqual(['N1', null, 'N3', 'N4'])
    expect(resultsCalls().map((c) => c.url.searchParams.get('locator'))).toEqual([null, '2', '4'])
    expect(server.calls[0]?.json()).toMatchObject({
      operation: 'queryAll',
      query: 'SELECT Id, Name FROM Account',
    })
    await q.delete()
    expect(server.jobs.size).toBe(0)
  })
})

describe('bulk query export', () => {
  it('streams every page as one CSV with a single header row', async () => {
    server = await startFakeBulk()
    server.queryRows = Array.from({ length: 5 }, (_, i) => ({ Id: `id${i}`, Name: `N${i}` }))
    const q = new Bulk(new TestRequester(server.baseUrl), { poll }).query(
      'SELECT Id, Name FROM Account',
      { maxRecords: 2 },
    )
    const text = Buffer.concat(await collect(q.csv())).toString('utf8')
    expect(text).toBe('"Id","Name"\n' + [0, 1, 2, 3, 4].map((i) => `"id${i}","N${i}"\n`).join(''))
  })

  it('throws BULK_JOB_FAILED when the query job fails', async () => {
    server = await startFakeBulk()
    server.pollsBeforeDone = 1_000_000
    const r = new TestRequester(server.baseUrl)
    const q = new Bulk(r, { poll: { initialDelayMs: 1, maxDelayMs: 2 } }).query(
      'SELECT Id FROM Account',
    )
    const started = collect(q)
    await vi.waitFor(() => expect(q.jobId).toBeDefined())
    await r.request({ method: 'PATCH', path: `jobs/query/${q.jobId!}`, body: { state: 'Failed' } })
    await expect(started).rejects.toMatchObject({ code: 'BULK_JOB_FAILED' })
  })
})

describe('bulk csv', () => {
  it('keeps a row whose only cell is empty instead of writing a blank line', async () => {
    server = await startFakeBulk()
    const result = await ingest(
      new TestRequester(server.baseUrl),
      { object: 'Account', operation: 'insert', poll },
      [{ Name: 'a' }, { Name: '' }, { Name: null }],
    )
    expect(result.recordsUploaded).toBe(3)
    expect([...server.jobs.values()][0]?.uploads[0]).toBe('Name\na\n""\n#N/A\n')
    expect(await collect(result.successfulResults())).toHaveLength(3)
  })
})
