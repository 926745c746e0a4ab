// Bulk API 2.0 over real HTTP against the emulator: ingest jobs (every operation, delimiters,
// line endings, #N/A, the state machine, result files) and query jobs (locator paging),
// also through jsforce's bulk2 client.

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   response bodies are untyped JSON that the assertions read field by field */

import jsforce from 'jsforce'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { demoToken } from './fixtures/demo-token.js'

const V = 'v62.0'
let emu: EmulatorHandle
let token: string

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON under test
  body: any
}

async function api(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  version = V,
): Promise<Answer> {
  const csv = typeof body === 'string'
  const res = await request(`${emu.url}/services/data/${version}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': csv ? 'text/csv' : 'application/json',
    },
    ...(body === undefined ? {} : { body: csv ? body : JSON.stringify(body) }),
  })
  const text = await res.body.text()
  const type = String(res.headers['content-type'] ?? '')
  return {
    status: res.statusCode,
    headers: res.headers,
    text,
    body: type.includes('json') && text !== '' ? JSON.parse(text) : null,
  }
}

async function waitForEnd(kind: 'ingest' | 'query', id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 2000; i++) {
    const info = (await api('GET', `/jobs/${kind}/${id}`)).body
    if (['JobComplete', 'Failed', 'Aborted'].includes(info.state)) return info
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error(`job ${id} did not end`)
}

/** Creates, uploads, closes and waits for an ingest job; answers its final info. */
async function ingest(
  spec: Record<string, unknown>,
  csv: string,
): Promise<{ id: string; info: Record<string, unknown> }> {
  const created = await api('POST', '/jobs/ingest', spec)
  expect(created.status).toBe(200)
  const id = created.body.id as string
  expect((await api('PUT', `/jobs/ingest/${id}/batches`, csv)).status).toBe(201)
  const closed = await api('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })
  expect(closed.status).toBe(200)
  return { id, info: await waitForEnd('ingest', id) }
}

beforeAll(async () => {
  emu = await startEmulator({ org: 'examples/demo-org.yaml' })
  token = await demoToken(emu.url)
})

afterAll(async () => {
  await emu?.close()
})

describe('Bulk API 2.0 ingest', () => {
  it('creates a job with Salesforce job info', async () => {
    const res = await api('POST', '/jobs/ingest', { object: 'Contact', operation: 'insert' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      object: 'Contact',
      operation: 'insert',
      state: 'Open',
      contentType: 'CSV',
      columnDelimiter: 'COMMA',
      lineEnding: 'LF',
      apiVersion: 62,
      jobType: 'V2Ingest',
      concurrencyMode: 'Parallel',
    })
    expect(res.body.id).toMatch(/^750[A-Za-z0-9]{15}$/)
    expect(res.body.contentUrl).toBe(`services/data/${V}/jobs/ingest/${res.body.id}/batches`)
    expect(res.body.createdDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/)
  })

  it('inserts asynchronously and reports successful and failed rows', async () => {
    const created = await api('POST', '/jobs/ingest', { object: 'Contact', operation: 'insert' })
    const id = created.body.id
    await api(
      'PUT',
      `/jobs/ingest/${id}/batches`,
      'LastName,FirstName\nDoe,Jane\n,Nobody\n"Smith, Jr.",John\n',
    )
    const closed = await api('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })
    // The PATCH answers at once; the rows are written afterwards.
    expect(closed.body.state).toBe('UploadComplete')
    const info = await waitForEnd('ingest', id)
    expect(info).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 3,
      numberRecordsFailed: 1,
    })

    const ok = await api('GET', `/jobs/ingest/${id}/successfulResults/`)
    expect(ok.headers['content-type']).toMatch(/^text\/csv/)
    const lines = ok.text.trim().split('\n')
    expect(lines[0]).toBe('"sf__Id","sf__Created","LastName","FirstName"')
    expect(lines).toHaveLength(3)
    const contactId = /^"(003[A-Za-z0-9]{15})","true","Smith, Jr.","John"$/.exec(lines[2]!)?.[1]
    expect(contactId).toBeDefined()
    expect(emu.org.getRow('Contact', contactId!)?.LastName).toBe('Smith, Jr.')

    const failed = await api('GET', `/jobs/ingest/${id}/failedResults/`)
    const [header, row] = failed.text.trim().split('\n')
    expect(header).toBe('"sf__Id","sf__Error","LastName","FirstName"')
    expect(row).toMatch(/^,"REQUIRED_FIELD_MISSING:[^"]*:LastName --",,"Nobody"$/)

    const unprocessed = await api('GET', `/jobs/ingest/${id}/unprocessedrecords/`)
    expect(unprocessed.text.trim()).toBe('"LastName","FirstName"')
  })

  it.each([
    ['COMMA', 'LF', ',', '\n'],
    ['TAB', 'CRLF', '\t', '\r\n'],
    ['PIPE', 'LF', '|', '\n'],
    ['SEMICOLON', 'CRLF', ';', '\r\n'],
    ['CARET', 'LF', '^', '\n'],
    ['BACKQUOTE', 'CRLF', '`', '\r\n'],
  ])(
    'reads and writes %s-delimited CSV with %s line endings',
    async (columnDelimiter, lineEnding, d, eol) => {
      const csv =
        [
          `Name${d}Phone`,
          `Delim ${columnDelimiter}${d}555-0100`,
          `Other ${columnDelimiter}${d}`,
        ].join(eol) + eol
      const { id, info } = await ingest(
        { object: 'Account', operation: 'insert', columnDelimiter, lineEnding },
        csv,
      )
      expect(info).toMatchObject({
        state: 'JobComplete',
        numberRecordsProcessed: 2,
        numberRecordsFailed: 0,
        columnDelimiter,
        lineEnding,
      })
      const ok = await api('GET', `/jobs/ingest/${id}/successfulResults`)
      expect(ok.text.startsWith(`"sf__Id"${d}"sf__Created"${d}"Name"${d}"Phone"${eol}`)).toBe(true)
      expect(ok.text.split(eol).filter((l) => l !== '')).toHaveLength(3)
      const names = [...emu.org.rows('Account')].map((r) => r.Name)
      expect(names).toContain(`Delim ${columnDelimiter}`)
    },
  )

  it('updates with #N/A as null and an empty cell as unchanged, then deletes and hard-deletes', async () => {
    const insert = await ingest(
      { object: 'Account', operation: 'insert' },
      'Name,Phone,Website\nUpd A,111,a.example\nUpd B,222,b.example\n',
    )
    const ids = (await api('GET', `/jobs/ingest/${insert.id}/successfulResults`)).text
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]!.replaceAll('"', ''))
    const [a, b] = ids as [string, string]
    const update = await ingest(
      { object: 'Account', operation: 'update' },
      `Id,Phone,Website\n${a},#N/A,\n${b},999,b2.example\n`,
    )
    expect(update.info).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 0 })
    expect(emu.org.getRow('Account', a)).toMatchObject({ Phone: null, Website: 'a.example' })
    expect(emu.org.getRow('Account', b)).toMatchObject({ Phone: '999', Website: 'b2.example' })

    const del = await ingest({ object: 'Account', operation: 'delete' }, `Id\n${a}\n`)
    expect(del.info).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 1,
      numberRecordsFailed: 0,
    })
    expect(emu.org.getRow('Account', a)?.IsDeleted).toBe(true)
    const hard = await ingest({ object: 'Account', operation: 'hardDelete' }, `Id\n${b}\n`)
    expect(hard.info).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 0 })
    expect(emu.org.getRow('Account', b)).toBeUndefined()
  })

  it('upserts by an external id field, creating then updating', async () => {
    const first = await ingest(
      { object: 'Invoice__c', operation: 'upsert', externalIdFieldName: 'Number__c' },
      'Number__c,Amount__c\nBULK-1,10\nBULK-2,20\n',
    )
    expect(first.info).toMatchObject({
      state: 'JobComplete',
      numberRecordsFailed: 0,
      externalIdFieldName: 'Number__c',
    })
    const second = await ingest(
      { object: 'Invoice__c', operation: 'upsert', externalIdFieldName: 'Number__c' },
      'Number__c,Amount__c\nBULK-1,15\nBULK-3,30\n',
    )
    const rows = (await api('GET', `/jobs/ingest/${second.id}/successfulResults`)).text
      .trim()
      .split('\n')
      .slice(1)
    expect(rows.map((r) => r.split(',')[1])).toEqual(['"false"', '"true"'])
    const invoices = [...emu.org.rows('Invoice__c')].filter((r) =>
      String(r.Number__c).startsWith('BULK-'),
    )
    expect(invoices).toHaveLength(3)
    expect(invoices.find((r) => r.Number__c === 'BULK-1')?.Amount__c).toBe(15)
  })

  it('refuses an upsert job without an external id field', async () => {
    const res = await api('POST', '/jobs/ingest', { object: 'Invoice__c', operation: 'upsert' })
    expect(res.status).toBe(400)
    expect(res.body[0].errorCode).toBe('INVALIDJOB')
  })

  it('fails a job whose CSV names an unknown field', async () => {
    const { info } = await ingest(
      { object: 'Account', operation: 'insert' },
      'Name,Bogus__c\nX,1\n',
    )
    expect(info).toMatchObject({
      state: 'Failed',
      errorMessage: 'InvalidBatch : Field name not found : Bogus__c',
    })
  })

  it('enforces the job state machine with INVALIDJOBSTATE', async () => {
    const { id } = await ingest({ object: 'Account', operation: 'insert' }, 'Name\nState machine\n')
    const again = await api('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })
    expect(again.status).toBe(400)
    expect(again.body[0].errorCode).toBe('INVALIDJOBSTATE')
    const abort = await api('PATCH', `/jobs/ingest/${id}`, { state: 'Aborted' })
    expect(abort.body).toEqual([
      { errorCode: 'INVALIDJOBSTATE', message: 'Aborting already Completed Job not allowed' },
    ])
    const upload = await api('PUT', `/jobs/ingest/${id}/batches`, 'Name\nlate\n')
    expect(upload.body[0].errorCode).toBe('INVALIDJOBSTATE')

    const open = (await api('POST', '/jobs/ingest', { object: 'Account', operation: 'insert' }))
      .body.id
    expect((await api('DELETE', `/jobs/ingest/${open}`)).status).toBe(400)
    await api('PUT', `/jobs/ingest/${open}/batches`, 'Name\nNever written 1\nNever written 2\n')
    const aborted = await api('PATCH', `/jobs/ingest/${open}`, { state: 'Aborted' })
    expect(aborted.body.state).toBe('Aborted')
    const unprocessed = await api('GET', `/jobs/ingest/${open}/unprocessedrecords`)
    expect(unprocessed.text.trim().split('\n')).toEqual([
      '"Name"',
      '"Never written 1"',
      '"Never written 2"',
    ])

    expect((await api('DELETE', `/jobs/ingest/${id}`)).status).toBe(204)
    expect((await api('GET', `/jobs/ingest/${id}`)).status).toBe(404)
  })

  it('lists the org jobs', async () => {
    const res = await api('GET', '/jobs/ingest')
    expect(res.status).toBe(200)
    expect(res.body.done).toBe(true)
    expect(res.body.nextRecordsUrl).toBeNull()
    expect(res.body.records.length).toBeGreaterThan(0)
    expect(res.body.records.every((j: { jobType: string }) => j.jobType === 'V2Ingest')).toBe(true)
  })

  it('processes 10,000 rows in the background', async () => {
    const csv = [
      'Name,Number__c,Amount__c',
      ...Array.from({ length: 10_000 }, (_, i) => `Big ${i},BIG-${i},${i}`),
    ].join('\n')
    const { info } = await ingest({ object: 'Invoice__c', operation: 'insert' }, csv)
    expect(info).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 10_000,
      numberRecordsFailed: 0,
    })
  })
})

describe('Bulk API 2.0 relationship columns', () => {
  it('sets a lookup from the parent external id in a column such as Account.Ext__c', async () => {
    const org = await startEmulator({
      org: {
        users: [{ username: 'rel@example.com', password: 'pw', securityToken: 'T' }],
        connectedApps: [
          {
            name: 'rel',
            consumerKey: 'rel-key',
            consumerSecret: 'rel-secret',
            flows: ['password'],
          },
        ],
        objects: [
          {
            name: 'Account',
            fields: [{ name: 'Ext__c', type: 'text', externalId: true, unique: true }],
          },
        ],
      },
    })
    try {
      const login = await request(`${org.url}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: 'rel-key',
          client_secret: 'rel-secret',
          username: 'rel@example.com',
          password: 'pwT',
        }).toString(),
      })
      const relToken = ((await login.body.json()) as { access_token: string }).access_token
      const parent = org.org.create(
        'Account',
        { Name: 'Parent', Ext__c: 'ACME-1' },
        { userId: '005000000000000AAA' },
      )
      const call = async (
        method: 'POST' | 'PUT' | 'PATCH' | 'GET',
        path: string,
        body?: string,
      ) => {
        const res = await request(`${org.url}/services/data/${V}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${relToken}`,
            'content-type': body?.startsWith('{') ? 'application/json' : 'text/csv',
          },
          ...(body === undefined ? {} : { body }),
        })
        return res.body.text()
      }
      const job = JSON.parse(
        await call(
          'POST',
          '/jobs/ingest',
          JSON.stringify({ object: 'Contact', operation: 'insert' }),
        ),
      ) as { id: string }
      await call(
        'PUT',
        `/jobs/ingest/${job.id}/batches`,
        'LastName,Account.Ext__c\nChild,acme-1\nOrphan,NOPE\n',
      )
      await call('PATCH', `/jobs/ingest/${job.id}`, JSON.stringify({ state: 'UploadComplete' }))
      let info: { state: string; numberRecordsFailed: number } = {
        state: '',
        numberRecordsFailed: 0,
      }
      while (!['JobComplete', 'Failed'].includes(info.state)) {
        await new Promise((r) => setTimeout(r, 5))
        info = JSON.parse(await call('GET', `/jobs/ingest/${job.id}`)) as typeof info
      }
      expect(info).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 1 })
      const child = [...org.org.rows('Contact')].find((r) => r.LastName === 'Child')
      expect(child?.AccountId).toBe(parent.id)
      const failed = await call('GET', `/jobs/ingest/${job.id}/failedResults`)
      expect(failed).toContain(
        'Foreign key external ID: NOPE not found for field Ext__c in entity Account',
      )
    } finally {
      await org.close()
    }
  })
})

describe('Bulk API 2.0 query', () => {
  it('pages results with Sforce-Locator and maxRecords, ending with the literal null', async () => {
    const csv = [
      'LastName,FirstName',
      ...Array.from({ length: 250 }, (_, i) => `Paged${i},Q`),
    ].join('\n')
    await ingest({ object: 'Contact', operation: 'insert' }, csv)
    const created = await api('POST', '/jobs/query', {
      operation: 'query',
      query: "SELECT Id, LastName, FirstName FROM Contact WHERE FirstName = 'Q'",
    })
    expect(created.status).toBe(200)
    expect(created.body).toMatchObject({
      state: 'UploadComplete',
      jobType: 'V2Query',
      operation: 'query',
      object: 'Contact',
    })
    const info = await waitForEnd('query', created.body.id)
    expect(info).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 250 })

    const seen: string[] = []
    let locator: string | undefined
    const counts: string[] = []
    for (;;) {
      const page = await api(
        'GET',
        `/jobs/query/${created.body.id}/results?maxRecords=100${locator ? `&locator=${locator}` : ''}`,
      )
      expect(page.status).toBe(200)
      const lines = page.text.trim().split('\n')
      expect(lines[0]).toBe('"Id","LastName","FirstName"')
      seen.push(...lines.slice(1))
      counts.push(String(page.headers['sforce-numberofrecords']))
      locator = String(page.headers['sforce-locator'])
      if (locator === 'null') break
    }
    expect(counts).toEqual(['100', '100', '50'])
    expect(new Set(seen).size).toBe(250)
  })

  it('answers 412 for results of a job that did not complete, and 409 for another API version', async () => {
    const failed = await api('POST', '/jobs/query', { query: 'SELECT Bogus__c FROM Account' })
    expect(failed.status).toBe(200)
    const info = await waitForEnd('query', failed.body.id)
    expect(info.state).toBe('Failed')
    const res = await api('GET', `/jobs/query/${failed.body.id}/results`)
    expect(res.status).toBe(412)
    expect(res.body[0]).toMatchObject({ errorCode: 'JOB_NOT_COMPLETE' })
    expect(res.body[0].message).toContain('Current status: FAILED')

    const ok = await api('POST', '/jobs/query', { query: 'SELECT Id FROM Account' })
    await waitForEnd('query', ok.body.id)
    const other = await api('GET', `/jobs/query/${ok.body.id}/results`, undefined, 'v61.0')
    expect(other.status).toBe(409)
  })
})

describe('Bulk API 2.0 through jsforce', () => {
  it('loads records with loadAndWaitForResults and reads them back with bulk2.query', async () => {
    const conn = new jsforce.Connection({
      oauth2: {
        clientId: '3MVG9forcebridge.demo.consumer.key',
        clientSecret: 'forcebridge-demo-consumer-secret',
        loginUrl: emu.url,
      },
      version: '62.0',
    })
    await conn.login('my.user@example.com', 'my.passwordDemoSecurityToken01')
    conn.bulk2.pollInterval = 20
    const input = Array.from({ length: 30 }, (_, i) => ({
      LastName: `Jsforce${i}`,
      FirstName: 'Bulk2',
    }))
    input.push({ LastName: '', FirstName: 'Bulk2' })
    const result = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'insert',
      input,
    })
    expect(result.successfulResults).toHaveLength(30)
    expect(result.failedResults).toHaveLength(1)
    expect(result.failedResults[0]?.sf__Error).toMatch(/^REQUIRED_FIELD_MISSING:/)

    const records = await (
      await conn.bulk2.query("SELECT Id, LastName FROM Contact WHERE FirstName = 'Bulk2'")
    ).toArray()
    expect(records).toHaveLength(30)
    expect(records.map((r) => r.LastName).sort()).toContain('Jsforce7')
  })
})
