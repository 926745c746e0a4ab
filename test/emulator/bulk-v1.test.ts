// Bulk API 1.0 (`/services/async/`) through jsforce 3's bulk (v1) API, and over plain HTTP
// for the XML and JSON shapes, states, errors and the DailyBulkApiBatches allocation.

import jsforce from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { DEMO, passwordLogin } from './login-helper.js'

const NS = 'http://www.force.com/2009/06/asyncapi/dataload'

let emu: EmulatorHandle
let token: string
let conn: jsforce.Connection

beforeAll(async () => {
  emu = await startEmulator({ bulk: { queryPageSize: 2 } })
  token = (await passwordLogin(emu.url)).access_token
  conn = new jsforce.Connection({
    loginUrl: emu.url,
    version: '62.0',
    oauth2: { clientId: DEMO.clientId, clientSecret: DEMO.clientSecret, loginUrl: emu.url },
  })
  await conn.login(DEMO.username, DEMO.password + DEMO.securityToken)
  conn.bulk.pollInterval = 20
})
afterAll(() => emu.close())

/** One call to Bulk API 1.0, answering status, content type and the body text. */
async function async(
  method: string,
  path: string,
  body?: string,
  type = 'application/xml; charset=UTF-8',
  session: string | null = token,
) {
  const headers: Record<string, string> = { 'content-type': type }
  if (session !== null) headers['x-sfdc-session'] = session
  const res = await fetch(`${emu.url}/services/async/62.0${path}`, { method, headers, body })
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}

/**
 * jsforce's bulk.load closes its job in the background after the results arrive; this does
 * the same steps and waits for the close, so that no request outlives the emulator.
 */
async function load(
  type: string,
  operation: string,
  input: Record<string, unknown>[] | string,
  options: { extIdField?: string } = {},
) {
  const job = conn.bulk.createJob(type, operation as 'insert', options)
  const batch = job.createBatch()
  const results = await new Promise<unknown[]>((resolve, reject) => {
    batch.on('error', reject)
    batch.on('queue', () => batch.poll(20, 20_000))
    batch.on('response', resolve)
    batch.execute(input)
  })
  await job.close()
  return results as {
    id: string | null
    success: boolean
    created: boolean
    errors: string[]
  }[]
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]

async function until<T>(fn: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await fn()
    if (done(v)) return v
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('Bulk API 1.0 through jsforce', () => {
  it('inserts, upserts by external id, updates and deletes, with per-record results', async () => {
    const inserted = await load('Account', 'insert', [
      { Name: 'Bulk One', Industry: 'Energy' },
      { Name: 'Bulk Two' },
      { Industry: 'No name' },
    ])
    expect(inserted).toHaveLength(3)
    expect(inserted[0]).toMatchObject({ success: true, created: true })
    expect(inserted[1]).toMatchObject({ success: true })
    expect(inserted[2]).toMatchObject({ success: false, id: null })
    expect(inserted[2]!.errors[0]).toMatch(/^REQUIRED_FIELD_MISSING:.*Name/)
    const id = inserted[0]!.id!
    expect(emu.org.getRow('Account', id)).toMatchObject({ Name: 'Bulk One', Industry: 'Energy' })

    const upserted = await load(
      'Invoice__c',
      'upsert',
      [
        { Number__c: 'V1-1', Amount__c: 10 },
        { Number__c: 'V1-2', Amount__c: 20 },
      ],
      { extIdField: 'Number__c' },
    )
    expect(upserted.map((r) => r.created)).toEqual([true, true])
    const again = await load('Invoice__c', 'upsert', [{ Number__c: 'V1-1', Amount__c: 11 }], {
      extIdField: 'Number__c',
    })
    expect(again[0]).toMatchObject({ success: true, created: false })

    const updated = await load('Account', 'update', [{ Id: id, Name: 'Renamed' }])
    expect(updated[0]).toMatchObject({ id, success: true, created: false })
    expect(emu.org.getRow('Account', id)).toMatchObject({ Name: 'Renamed' })

    const deleted = await load('Account', 'delete', [{ Id: id }])
    expect(deleted[0]).toMatchObject({ id, success: true })
    const hard = await load('Account', 'hardDelete', [{ Id: inserted[1]!.id! }])
    expect(hard[0]).toMatchObject({ success: true })
  })

  it('queries through result sets, and queryAll sees deleted records', async () => {
    await load(
      'Lead',
      'insert',
      [1, 2, 3, 4, 5].map((i) => ({ LastName: `V1 Lead ${i}`, Company: 'Bulk V1' })),
    )
    const job = conn.bulk.createJob('Lead', 'query')
    const batch = job.createBatch()
    const sets = await new Promise<{ id: string }[]>((resolve, reject) => {
      batch.on('error', reject)
      batch.on('queue', () => batch.poll(20, 20_000))
      batch.on('response', resolve)
      batch.execute(
        "SELECT Id, LastName, Company FROM Lead WHERE Company = 'Bulk V1' ORDER BY LastName",
      )
    })
    // Five records in three result sets of at most two (queryPageSize 2).
    expect(sets).toHaveLength(3)
    const records: Record<string, string>[] = []
    for (const set of sets) {
      await new Promise<void>((resolve, reject) => {
        const stream = batch.result(set.id)
        stream.on('record', (r: Record<string, string>) => records.push(r))
        stream.on('end', () => resolve())
        stream.on('error', reject)
      })
    }
    await job.close()
    expect(records.map((r) => r.LastName)).toEqual([1, 2, 3, 4, 5].map((i) => `V1 Lead ${i}`))
    expect(records[0]!.Id).toMatch(/^00Q/)

    const gone = await load('Lead', 'delete', [{ Id: records[0]!.Id }])
    expect(gone[0]!.success).toBe(true)
    const all = await load(
      'Lead',
      'queryAll',
      "SELECT Id FROM Lead WHERE Company = 'Bulk V1' AND IsDeleted = true",
    )
    expect(all.length).toBeGreaterThan(0)
  })
})

describe('Bulk API 1.0 over HTTP', () => {
  it('runs an XML job: JobInfo in the dataload namespace, batch states, XML results', async () => {
    const created = await async(
      'POST',
      '/job',
      `<?xml version="1.0" encoding="UTF-8"?><jobInfo xmlns="${NS}"><operation>insert</operation><object>Contact</object><contentType>XML</contentType></jobInfo>`,
    )
    expect(created.status).toBe(201)
    expect(created.type).toContain('application/xml')
    expect(created.text).toContain(`<jobInfo\n   xmlns="${NS}">`)
    expect(tag(created.text, 'state')).toBe('Open')
    expect(tag(created.text, 'contentType')).toBe('XML')
    const jobId = tag(created.text, 'id')!
    expect(jobId).toMatch(/^750/)

    const data = `<?xml version="1.0" encoding="UTF-8"?><sObjects xmlns="${NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sObject><LastName>Xml &amp; Co</LastName><Email xsi:nil="true"/></sObject><sObject><FirstName>NoLast</FirstName></sObject></sObjects>`
    const batch = await async('POST', `/job/${jobId}/batch`, data)
    expect(batch.status).toBe(201)
    expect(tag(batch.text, 'state')).toBe('Queued')
    const batchId = tag(batch.text, 'id')!

    const done = await until(
      () => async('GET', `/job/${jobId}/batch/${batchId}`),
      (r) => tag(r.text, 'state') === 'Completed',
    )
    expect(tag(done.text, 'numberRecordsProcessed')).toBe('2')
    expect(tag(done.text, 'numberRecordsFailed')).toBe('1')

    const results = await async('GET', `/job/${jobId}/batch/${batchId}/result`)
    expect(results.text).toContain(`<results\n   xmlns="${NS}">`)
    expect(results.text).toMatch(/<result>\s*<id>003\w{15}<\/id>\s*<success>true<\/success>/)
    expect(results.text).toContain('<statusCode>REQUIRED_FIELD_MISSING</statusCode>')

    const request = await async('GET', `/job/${jobId}/batch/${batchId}/request`)
    expect(request.text).toBe(data)

    const list = await async('GET', `/job/${jobId}/batch`)
    expect(list.text).toContain('<batchInfoList')
    expect(list.text).toContain(`<id>${batchId}</id>`)

    const closed = await async(
      'POST',
      `/job/${jobId}`,
      `<jobInfo xmlns="${NS}"><state>Closed</state></jobInfo>`,
    )
    expect(tag(closed.text, 'state')).toBe('Closed')
    expect(tag(closed.text, 'numberBatchesCompleted')).toBe('1')
    expect(tag(closed.text, 'numberRecordsProcessed')).toBe('2')
    // A closed job takes no more batches.
    const late = await async('POST', `/job/${jobId}/batch`, data)
    expect(late.status).toBe(400)
    expect(tag(late.text, 'exceptionCode')).toBe('InvalidJobState')
  })

  it('runs a JSON job: JSON JobInfo, JSON results and a JSON query result set', async () => {
    const created = await async(
      'POST',
      '/job',
      JSON.stringify({ operation: 'insert', object: 'Account', contentType: 'JSON' }),
      'application/json',
    )
    expect(created.status).toBe(201)
    const job = JSON.parse(created.text) as Record<string, unknown>
    expect(job).toMatchObject({ state: 'Open', contentType: 'JSON', apiVersion: 62 })
    const batch = await async(
      'POST',
      `/job/${String(job.id)}/batch`,
      JSON.stringify([{ Name: 'Json One', NumberOfEmployees: 12 }, { Name: null }]),
      'application/json',
    )
    const batchId = (JSON.parse(batch.text) as { id: string }).id
    await until(
      () => async('GET', `/job/${String(job.id)}/batch/${batchId}`, undefined, 'application/json'),
      (r) => (JSON.parse(r.text) as { state: string }).state === 'Completed',
    )
    const results = await async('GET', `/job/${String(job.id)}/batch/${batchId}/result`)
    expect(results.type).toContain('application/json')
    const rows = JSON.parse(results.text) as {
      success: boolean
      created: boolean
      id: string | null
      errors: unknown[]
    }[]
    expect(rows[0]).toMatchObject({ success: true, created: true, errors: [] })
    expect(rows[1]).toMatchObject({ success: false, id: null })

    const q = JSON.parse(
      (
        await async(
          'POST',
          '/job',
          JSON.stringify({ operation: 'query', object: 'Account', contentType: 'JSON' }),
          'application/json',
        )
      ).text,
    ) as { id: string }
    const qb = JSON.parse(
      (
        await async(
          'POST',
          `/job/${q.id}/batch`,
          "SELECT Id, Name, NumberOfEmployees FROM Account WHERE Name = 'Json One'",
          'application/json',
        )
      ).text,
    ) as { id: string }
    await until(
      () => async('GET', `/job/${q.id}/batch/${qb.id}`, undefined, 'application/json'),
      (r) => (JSON.parse(r.text) as { state: string }).state === 'Completed',
    )
    const ids = JSON.parse(
      (await async('GET', `/job/${q.id}/batch/${qb.id}/result`)).text,
    ) as string[]
    expect(ids).toHaveLength(1)
    const page = JSON.parse(
      (await async('GET', `/job/${q.id}/batch/${qb.id}/result/${ids[0]}`)).text,
    ) as Record<string, unknown>[]
    expect(page).toEqual([expect.objectContaining({ Name: 'Json One', NumberOfEmployees: 12 })])
  })

  it('serves an XML query result set and an empty CSV one as Salesforce writes them', async () => {
    const xmlJob = await async(
      'POST',
      '/job',
      `<jobInfo xmlns="${NS}"><operation>query</operation><object>Invoice__c</object><contentType>XML</contentType></jobInfo>`,
    )
    const jobId = tag(xmlJob.text, 'id')!
    const b = await async(
      'POST',
      `/job/${jobId}/batch`,
      "SELECT Number__c, Amount__c FROM Invoice__c WHERE Number__c = 'V1-1'",
    )
    const batchId = tag(b.text, 'id')!
    await until(
      () => async('GET', `/job/${jobId}/batch/${batchId}`),
      (r) => tag(r.text, 'state') === 'Completed',
    )
    const list = await async('GET', `/job/${jobId}/batch/${batchId}/result`)
    expect(list.text).toContain('<result-list')
    const resultId = tag(list.text, 'result')!
    const page = await async('GET', `/job/${jobId}/batch/${batchId}/result/${resultId}`)
    expect(page.text).toContain('<queryResult')
    expect(page.text).toContain('<records xsi:type="sObject">')
    expect(page.text).toContain('<Number__c>V1-1</Number__c>')

    const csvJob = await async(
      'POST',
      '/job',
      `<jobInfo xmlns="${NS}"><operation>query</operation><object>Account</object><contentType>CSV</contentType></jobInfo>`,
    )
    const cj = tag(csvJob.text, 'id')!
    const cb = tag(
      (
        await async(
          'POST',
          `/job/${cj}/batch`,
          "SELECT Id FROM Account WHERE Name = 'none'",
          'text/csv',
        )
      ).text,
      'id',
    )!
    await until(
      () => async('GET', `/job/${cj}/batch/${cb}`),
      (r) => tag(r.text, 'state') === 'Completed',
    )
    const rid = tag((await async('GET', `/job/${cj}/batch/${cb}/result`)).text, 'result')!
    const empty = await async('GET', `/job/${cj}/batch/${cb}/result/${rid}`)
    expect(empty.text).toBe('Records not found for this query')
  })

  it('fails a batch with an unknown column, and aborting leaves queued batches NotProcessed', async () => {
    const job = await async(
      'POST',
      '/job',
      `<jobInfo xmlns="${NS}"><operation>insert</operation><object>Account</object><contentType>CSV</contentType></jobInfo>`,
    )
    const jobId = tag(job.text, 'id')!
    const bad = tag(
      (await async('POST', `/job/${jobId}/batch`, 'Name,Sic__x\nA,1\n', 'text/csv')).text,
      'id',
    )!
    const failed = await until(
      () => async('GET', `/job/${jobId}/batch/${bad}`),
      (r) => tag(r.text, 'state') === 'Failed',
    )
    expect(tag(failed.text, 'stateMessage')).toBe('InvalidBatch : Field name not found : Sic__x')
    const notDone = await async('GET', `/job/${jobId}/batch/${bad}/result`)
    expect(tag(notDone.text, 'exceptionCode')).toBe('InvalidBatch')

    const aborted = await async(
      'POST',
      `/job/${jobId}`,
      `<jobInfo xmlns="${NS}"><state>Aborted</state></jobInfo>`,
    )
    expect(tag(aborted.text, 'state')).toBe('Aborted')
  })

  it('answers Bulk 1.0 errors: InvalidSessionId, InvalidJob, InvalidBatch, InvalidUrl, InvalidXML', async () => {
    const noSession = await async(
      'GET',
      '/job/750000000000000AAA',
      undefined,
      'application/xml',
      null,
    )
    expect(noSession.status).toBe(400)
    expect(noSession.text).toContain('<exceptionCode>InvalidSessionId</exceptionCode>')
    expect(noSession.text).toContain(`xmlns="${NS}"`)
    const badSession = await async('GET', '/job/x', undefined, 'application/json', 'nope')
    expect(JSON.parse(badSession.text)).toEqual({
      exceptionCode: 'InvalidSessionId',
      exceptionMessage: 'Invalid session id',
    })
    // A bearer token alone is not Bulk 1.0's header.
    const bearer = await fetch(`${emu.url}/services/async/62.0/job/x`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(bearer.status).toBe(400)

    const noJob = await async('GET', '/job/750000000000000AAA')
    expect(tag(noJob.text, 'exceptionCode')).toBe('InvalidJob')
    const badOp = await async(
      'POST',
      '/job',
      `<jobInfo xmlns="${NS}"><operation>INSERT</operation><object>Account</object></jobInfo>`,
    )
    expect(tag(badOp.text, 'exceptionCode')).toBe('InvalidJob')
    const badXml = await async('POST', '/job', '<jobInfo><operation>insert</jobInfo>')
    expect(tag(badXml.text, 'exceptionCode')).toBe('InvalidXML')
    const badUrl = await async('GET', '/jobs')
    expect(badUrl.status).toBe(400)
    expect(tag(badUrl.text, 'exceptionCode')).toBe('InvalidUrl')
    const noObject = await async(
      'POST',
      '/job',
      JSON.stringify({ operation: 'insert', object: 'Nope__c', contentType: 'JSON' }),
      'application/json',
    )
    expect(JSON.parse(noObject.text)).toMatchObject({ exceptionCode: 'InvalidJob' })
  })

  it('counts each batch against DailyBulkApiBatches in /limits, shared with Bulk API 2.0', async () => {
    const remaining = async () => {
      const res = await fetch(`${emu.url}/services/data/v62.0/limits`, {
        headers: { authorization: `Bearer ${token}` },
      })
      const body = (await res.json()) as Record<string, { Max: number; Remaining: number }>
      expect(body.DailyBulkApiBatches!.Max).toBe(15000)
      return body.DailyBulkApiBatches!.Remaining
    }
    const before = await remaining()
    const job = await async(
      'POST',
      '/job',
      `<jobInfo xmlns="${NS}"><operation>insert</operation><object>Account</object><contentType>CSV</contentType></jobInfo>`,
    )
    const jobId = tag(job.text, 'id')!
    await async('POST', `/job/${jobId}/batch`, 'Name\nA\n', 'text/csv')
    await async('POST', `/job/${jobId}/batch`, 'Name\nB\n', 'text/csv')
    expect(await remaining()).toBe(before - 2)

    // A Bulk API 2.0 ingest job spends the same allocation: one batch per 10,000 records.
    const api = (method: string, path: string, body: string, type = 'application/json') =>
      fetch(`${emu.url}/services/data/v62.0/jobs/ingest${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body,
      })
    const v2 = (await (
      await api('POST', '', JSON.stringify({ object: 'Account', operation: 'insert' }))
    ).json()) as { id: string }
    const rows = Array.from({ length: 10_001 }, (_, i) => `V2 ${i}`).join('\n')
    await api('PUT', `/${v2.id}/batches`, `Name\n${rows}\n`, 'text/csv')
    await api('PATCH', `/${v2.id}`, JSON.stringify({ state: 'UploadComplete' }))
    await until(remaining, (n) => n === before - 4)
  })
})
