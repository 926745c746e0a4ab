import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { apiClient, passwordLogin } from './login-helper.js'

let emu: EmulatorHandle
let api: ReturnType<typeof apiClient>
let api45: ReturnType<typeof apiClient>
let userId: string
let accessToken: string

beforeAll(async () => {
  emu = await startEmulator()
  const token = await passwordLogin(emu.url)
  userId = token.id.split('/').pop()!
  accessToken = token.access_token
  api = apiClient(emu.url, token.access_token)
  api45 = apiClient(emu.url, token.access_token, '45.0')
})
afterAll(() => emu.close())

describe('versions and resources', () => {
  it('lists versions 31.0 to 68.0 without authentication or Sforce-Limit-Info', async () => {
    const res = await fetch(`${emu.url}/services/data/`)
    const versions = (await res.json()) as { label: string; url: string; version: string }[]
    expect(res.headers.get('sforce-limit-info')).toBeNull()
    expect(versions[0]).toEqual({
      label: "Summer '14",
      url: '/services/data/v31.0',
      version: '31.0',
    })
    expect(versions.find((v) => v.version === '62.0')?.label).toBe("Winter '25")
    expect(versions.at(-1)?.version).toBe('68.0')
  })

  it('answers the resources of a version and 404 for an unknown version', async () => {
    const res = await api('GET', '/')
    expect(res.body).toMatchObject({
      sobjects: '/services/data/v62.0/sobjects',
      query: '/services/data/v62.0/query',
    })
    const bad = await api('GET', '/services/data/v99.0/sobjects')
    expect(bad.status).toBe(404)
    expect(bad.body).toEqual([
      { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
    ])
    expect((await api('GET', '/services/data/62.0/')).status).toBe(404)
  })

  it('answers 401 INVALID_SESSION_ID without a valid token, and accepts the legacy OAuth scheme', async () => {
    const res = await fetch(`${emu.url}/services/data/v62.0/sobjects`, {
      headers: { authorization: 'Bearer nope' },
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ])
    const token = (await passwordLogin(emu.url)).access_token
    const legacy = await fetch(`${emu.url}/services/data/v62.0/sobjects`, {
      headers: { authorization: `OAuth ${token}` },
    })
    expect(legacy.status).toBe(200)
  })

  it('indents JSON with X-PrettyPrint: 1', async () => {
    const plain = await api('GET', '/limits')
    expect(plain.headers.get('content-type')).toBe('application/json;charset=UTF-8')
    const pretty = await api('GET', '/limits', undefined, { 'x-prettyprint': '1' })
    expect(pretty.body).toMatchObject({ DailyApiRequests: { Max: 15000 } })
    const { access_token } = await passwordLogin(emu.url)
    const raw = await fetch(`${emu.url}/services/data/v62.0/limits`, {
      headers: { authorization: `Bearer ${access_token}`, 'x-prettyprint': '1' },
    })
    expect(await raw.text()).toMatch(/^\{\n {4}"/)
  })
})

describe('describe', () => {
  it('lists every object in describeGlobal', async () => {
    const res = await api('GET', '/sobjects/')
    const body = res.body as {
      encoding: string
      maxBatchSize: number
      sobjects: { name: string; keyPrefix: string }[]
    }
    expect(body.encoding).toBe('UTF-8')
    expect(body.maxBatchSize).toBe(200)
    const names = body.sobjects.map((s) => s.name)
    for (const n of [
      'Account',
      'Contact',
      'Lead',
      'Opportunity',
      'Campaign',
      'CampaignMember',
      'Case',
      'Task',
      'User',
      'Invoice__c',
    ]) {
      expect(names).toContain(n)
    }
    expect(body.sobjects.find((s) => s.name === 'Invoice__c')?.keyPrefix).toBe('a00')
  })

  it('describes fields, including custom ones, and answers 304 to If-Modified-Since', async () => {
    const res = await api('GET', '/sobjects/Campaign/describe/')
    const body = res.body as {
      name: string
      fields: { name: string; type: string; length: number; custom: boolean }[]
    }
    expect(body.name).toBe('Campaign')
    expect(body.fields.find((f) => f.name === 'Segment__c')).toMatchObject({
      type: 'string',
      length: 80,
      custom: true,
    })
    expect(body.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'Id',
        'IsDeleted',
        'CreatedDate',
        'CreatedById',
        'LastModifiedDate',
        'LastModifiedById',
        'SystemModstamp',
        'OwnerId',
        'Name',
      ]),
    )
    const lastModified = res.headers.get('last-modified')!
    const again = await api('GET', '/sobjects/Campaign/describe/', undefined, {
      'if-modified-since': lastModified,
    })
    expect(again.status).toBe(304)
  })

  it('answers 404 NOT_FOUND for an unknown object', async () => {
    const res = await api('GET', '/sobjects/Nope__c/describe')
    expect(res.status).toBe(404)
    expect(res.body).toEqual([
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
    ])
  })
})

describe('record CRUD', () => {
  it('creates (201 + Location), retrieves with nulls and ?fields=, updates (204) and deletes (204) a record', async () => {
    const created = await api('POST', '/sobjects/Account/', {
      Name: 'Acme',
      Industry: 'Energy',
      NumberOfEmployees: 5,
    })
    expect(created.status).toBe(201)
    const { id } = created.body as { id: string }
    expect(created.body).toEqual({ id, success: true, errors: [] })
    expect(id).toMatch(/^001[0-9A-Za-z]{15}$/)
    expect(created.headers.get('location')).toBe(`/services/data/v62.0/sobjects/Account/${id}`)

    const full = await api('GET', `/sobjects/Account/${id}`)
    const rec = full.body as Record<string, unknown>
    expect(Object.keys(rec)[0]).toBe('attributes')
    expect(rec.attributes).toEqual({
      type: 'Account',
      url: `/services/data/v62.0/sobjects/Account/${id}`,
    })
    expect(rec).toMatchObject({
      Id: id,
      Name: 'Acme',
      Phone: null,
      OwnerId: userId,
      CreatedById: userId,
      IsDeleted: false,
    })
    expect(rec.CreatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/)
    expect(full.headers.get('last-modified')).toBeTruthy()

    const some = await api('GET', `/sobjects/account/${id.slice(0, 15)}?fields=name,Industry`)
    expect(some.body).toEqual({
      attributes: rec.attributes,
      Id: id,
      Name: 'Acme',
      Industry: 'Energy',
    })

    expect((await api('PATCH', `/sobjects/Account/${id}`, { Name: 'Acme 2' })).status).toBe(204)
    expect(
      ((await api('GET', `/sobjects/Account/${id}?fields=Name`)).body as { Name: string }).Name,
    ).toBe('Acme 2')

    expect((await api('DELETE', `/sobjects/Account/${id}`)).status).toBe(204)
    const again = await api('DELETE', `/sobjects/Account/${id}`)
    expect(again.status).toBe(404)
    expect(again.body).toEqual([
      { message: 'entity is deleted', errorCode: 'ENTITY_IS_DELETED', fields: [] },
    ])
    expect((await api('GET', `/sobjects/Account/${id}`)).status).toBe(404)
  })

  it('answers NOT_FOUND for a missing record and INVALID_FIELD for an unknown ?fields= name', async () => {
    expect((await api('GET', '/sobjects/Account/001000000000zzzAAA')).status).toBe(404)
    const { id } = (await api('POST', '/sobjects/Account', { Name: 'F' })).body as { id: string }
    const bad = await api('GET', `/sobjects/Account/${id}?fields=Nope`)
    expect(bad.status).toBe(400)
    expect((bad.body as { errorCode: string }[])[0]!.errorCode).toBe('INVALID_FIELD')
  })

  it('computes a contact Name from first and last name', async () => {
    const { id } = (
      await api('POST', '/sobjects/Contact', { FirstName: 'Ada', LastName: 'Lovelace' })
    ).body as { id: string }
    expect(
      ((await api('GET', `/sobjects/Contact/${id}?fields=Name`)).body as { Name: string }).Name,
    ).toBe('Ada Lovelace')
  })

  it('deletes the contacts of a deleted account (cascade)', async () => {
    const { id: accountId } = (await api('POST', '/sobjects/Account', { Name: 'Parent' })).body as {
      id: string
    }
    const { id: contactId } = (
      await api('POST', '/sobjects/Contact', { LastName: 'Child', AccountId: accountId })
    ).body as { id: string }
    expect((await api('DELETE', `/sobjects/Account/${accountId}`)).status).toBe(204)
    const gone = await api('GET', `/sobjects/Contact/${contactId}`)
    expect((gone.body as { errorCode: string }[])[0]!.errorCode).toBe('ENTITY_IS_DELETED')
  })

  it('answers 405 to a method the resource does not allow', async () => {
    const res = await api('PUT', '/sobjects/Account', {})
    expect(res.status).toBe(405)
    expect(res.body).toEqual([
      {
        errorCode: 'METHOD_NOT_ALLOWED',
        message: "HTTP Method 'PUT' not allowed. Allowed are GET,HEAD,POST",
      },
    ])
  })
})

describe('validation', () => {
  const error = async (type: string, body: unknown) => {
    const res = await api('POST', `/sobjects/${type}`, body)
    expect(res.status).toBe(400)
    return (res.body as { errorCode: string; message: string; fields?: string[] }[])[0]!
  }

  it('answers REQUIRED_FIELD_MISSING with the fields', async () => {
    expect(await error('Opportunity', { Name: 'x' })).toEqual({
      errorCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [StageName, CloseDate]',
      fields: ['StageName', 'CloseDate'],
    })
  })

  it('answers INVALID_FIELD for an unknown field and INVALID_FIELD_FOR_INSERT_UPDATE for a read-only one', async () => {
    expect(await error('Account', { Name: 'x', Nope__c: 1 })).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: "No such column 'Nope__c' on sobject of type Account",
    })
    expect(
      await error('Account', { Name: 'x', CreatedDate: '2024-01-01T00:00:00Z' }),
    ).toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['CreatedDate'] })
  })

  it('checks lengths, emails, types, restricted picklists and numbers', async () => {
    expect(await error('Campaign', { Name: 'x', Segment__c: 'y'.repeat(81) })).toMatchObject({
      errorCode: 'STRING_TOO_LONG',
      fields: ['Segment__c'],
    })
    expect(await error('Invoice__c', { Contact_Email__c: 'not-an-email' })).toMatchObject({
      errorCode: 'INVALID_EMAIL_ADDRESS',
    })
    expect(await error('Invoice__c', { Status__c: 'Lost' })).toEqual({
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      message: 'Status: bad value for restricted picklist field: Lost',
      fields: ['Status__c'],
    })
    expect(await error('Invoice__c', { Amount__c: 'lots' })).toMatchObject({
      errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
    })
    expect(await error('Invoice__c', { Amount__c: { a: 1 } })).toMatchObject({
      errorCode: 'JSON_PARSER_ERROR',
    })
    expect(await error('Invoice__c', { Due_Date__c: '2024-02-30' })).toMatchObject({
      errorCode: 'JSON_PARSER_ERROR',
    })
    expect(await error('Invoice__c', { Amount__c: 1e20 })).toMatchObject({
      errorCode: 'NUMBER_OUTSIDE_VALID_RANGE',
    })
  })

  it('checks lookups: malformed id, wrong object, missing record', async () => {
    expect(await error('Contact', { LastName: 'x', AccountId: 'abc' })).toMatchObject({
      errorCode: 'MALFORMED_ID',
      fields: ['AccountId'],
    })
    const { id: contactId } = (await api('POST', '/sobjects/Contact', { LastName: 'c' })).body as {
      id: string
    }
    expect(await error('Contact', { LastName: 'x', AccountId: contactId })).toMatchObject({
      errorCode: 'MALFORMED_ID',
    })
    expect(
      await error('Contact', { LastName: 'x', AccountId: '001000000000zzzAAA' }),
    ).toMatchObject({ errorCode: 'INVALID_CROSS_REFERENCE_KEY' })
  })

  it('answers DUPLICATE_VALUE for a unique external id used twice', async () => {
    expect((await api('POST', '/sobjects/Invoice__c', { Number__c: 'DUP-1' })).status).toBe(201)
    expect(await error('Invoice__c', { Number__c: 'dup-1' })).toMatchObject({
      errorCode: 'DUPLICATE_VALUE',
      fields: ['Number__c'],
    })
  })

  it('answers JSON_PARSER_ERROR for bad JSON and an empty body', async () => {
    expect(await error('Account', '{"Name": ')).toMatchObject({ errorCode: 'JSON_PARSER_ERROR' })
    expect(await error('Account', '')).toEqual({
      errorCode: 'JSON_PARSER_ERROR',
      message: 'The HTTP entity body is required, but this request has no entity body.',
    })
  })
})

describe('external ids', () => {
  it('upserts: 201 created, then 200 with created:false (v46+) or 204 (before)', async () => {
    const first = await api('PATCH', '/sobjects/Invoice__c/Number__c/UP-1', { Amount__c: 10 })
    expect(first.status).toBe(201)
    const { id } = first.body as { id: string }
    expect(first.body).toEqual({ id, success: true, errors: [], created: true })
    const second = await api('PATCH', '/sobjects/Invoice__c/Number__c/UP-1', { Amount__c: 20 })
    expect(second.status).toBe(200)
    expect(second.body).toEqual({ id, success: true, errors: [], created: false })
    expect(
      (await api45('PATCH', '/sobjects/Invoice__c/Number__c/UP-1', { Amount__c: 30 })).status,
    ).toBe(204)
    const got = await api('GET', '/sobjects/Invoice__c/Number__c/UP-1')
    expect(got.body).toMatchObject({ Id: id, Number__c: 'UP-1', Amount__c: 30 })
    expect((await api('DELETE', '/sobjects/Invoice__c/Number__c/UP-1')).status).toBe(204)
    expect((await api('GET', '/sobjects/Invoice__c/Number__c/UP-1')).status).toBe(404)
  })

  it('answers 300 with record URLs when several records match, and writes nothing', async () => {
    const local = await startEmulator({
      org: {
        users: [{ username: 'u@x.io', password: 'p' }],
        connectedApps: [{ name: 'a', consumerKey: 'k', consumerSecret: 's' }],
        objects: [
          { name: 'Account', fields: [{ name: 'Ext__c', type: 'text', externalId: true }] },
        ],
      },
    })
    try {
      const { access_token } = (await (
        await fetch(`${local.url}/services/oauth2/token`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'password',
            client_id: 'k',
            client_secret: 's',
            username: 'u@x.io',
            password: 'p',
          }),
        })
      ).json()) as { access_token: string }
      const call = apiClient(local.url, access_token)
      const a = (
        (await call('POST', '/sobjects/Account', { Name: 'a', Ext__c: 'X' })).body as { id: string }
      ).id
      const b = (
        (await call('POST', '/sobjects/Account', { Name: 'b', Ext__c: 'x' })).body as { id: string }
      ).id
      const res = await call('PATCH', '/sobjects/Account/Ext__c/X', { Name: 'c' })
      expect(res.status).toBe(300)
      expect(res.body).toEqual([
        `/services/data/v62.0/sobjects/Account/${a}`,
        `/services/data/v62.0/sobjects/Account/${b}`,
      ])
      expect(local.org.getRow('Account', a)?.Name).toBe('a')
      expect((await call('GET', '/sobjects/Account/Ext__c/X')).status).toBe(300)
    } finally {
      await local.close()
    }
  })

  it('answers 404 for upsert on a field that is not an external id', async () => {
    const res = await api('PATCH', '/sobjects/Account/Name/Acme', { Phone: '1' })
    expect(res.status).toBe(404)
  })
})

describe('query', () => {
  beforeAll(() => {
    for (let i = 0; i < 450; i++)
      emu.org.create('Lead', { LastName: `L${i}`, Company: 'Q Co' }, { userId })
  })

  it('pages with nextRecordsUrl, honouring Sforce-Query-Options batchSize exactly', async () => {
    const q = encodeURIComponent("SELECT Id, LastName FROM Lead WHERE Company = 'Q Co'")
    const first = await api('GET', `/query?q=${q}`, undefined, {
      'sforce-query-options': 'batchSize=200',
    })
    const page = first.body as {
      totalSize: number
      done: boolean
      nextRecordsUrl: string
      records: unknown[]
    }
    expect(Object.keys(page)).toEqual(['totalSize', 'done', 'nextRecordsUrl', 'records'])
    expect(page).toMatchObject({ totalSize: 450, done: false })
    expect(page.records).toHaveLength(200)
    expect(page.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[0-9A-Za-z]{15}-200$/)
    const second = (await api('GET', page.nextRecordsUrl)).body as typeof page
    expect(second.records).toHaveLength(200)
    const third = (await api('GET', second.nextRecordsUrl)).body as typeof page
    expect(third).toMatchObject({ totalSize: 450, done: true })
    expect(third.records).toHaveLength(50)
    expect('nextRecordsUrl' in third).toBe(false)
    // A locator can be fetched again while it lives.
    expect(((await api('GET', page.nextRecordsUrl)).body as typeof page).records).toHaveLength(200)
  })

  it('answers 400 INVALID_QUERY_LOCATOR for an unknown locator and MALFORMED_QUERY without q', async () => {
    const bad = await api('GET', '/query/01g000000000000AAA-2000')
    expect(bad.status).toBe(400)
    expect((bad.body as { errorCode: string }[])[0]!.errorCode).toBe('INVALID_QUERY_LOCATOR')
    const none = await api('GET', '/query')
    expect((none.body as { errorCode: string }[])[0]!.errorCode).toBe('MALFORMED_QUERY')
  })

  it('shows deleted rows only to queryAll', async () => {
    const { id } = (await api('POST', '/sobjects/Account', { Name: 'Gone Inc' })).body as {
      id: string
    }
    await api('DELETE', `/sobjects/Account/${id}`)
    const q = encodeURIComponent("SELECT Id, IsDeleted FROM Account WHERE Name = 'Gone Inc'")
    expect(((await api('GET', `/query?q=${q}`)).body as { totalSize: number }).totalSize).toBe(0)
    const all = (await api('GET', `/queryAll?q=${q}`)).body as {
      totalSize: number
      records: { IsDeleted: boolean }[]
    }
    expect(all.totalSize).toBe(1)
    expect(all.records[0]!.IsDeleted).toBe(true)
  })
})

describe('search', () => {
  it('finds records with SOSL and with parameterizedSearch (GET and POST)', async () => {
    await api('POST', '/sobjects/Account', { Name: 'Zyxwv Searchable' })
    const sosl = await api(
      'GET',
      `/search?q=${encodeURIComponent('FIND {Zyxwv} IN ALL FIELDS RETURNING Account(Id, Name)')}`,
    )
    expect(sosl.status).toBe(200)
    const records = (sosl.body as { searchRecords: { Name: string }[] }).searchRecords
    expect(records.map((r) => r.Name)).toEqual(['Zyxwv Searchable'])
    const api36 = apiClient(emu.url, accessToken, '36.0')
    const old = await api36(
      'GET',
      `/search?q=${encodeURIComponent('FIND {Zyxwv} RETURNING Account(Name)')}`,
    )
    expect(old.body).toEqual([expect.objectContaining({ Name: 'Zyxwv Searchable' })])
    const get = await api(
      'GET',
      '/parameterizedSearch?q=Zyxwv&sobject=Account&Account.fields=Id,Name',
    )
    expect((get.body as { searchRecords: unknown[] }).searchRecords).toHaveLength(1)
    const post = await api('POST', '/parameterizedSearch', {
      q: 'Zyxwv',
      sobjects: [{ name: 'Account', fields: ['Id', 'Name'] }],
    })
    expect((post.body as { searchRecords: unknown[] }).searchRecords).toHaveLength(1)
  })
})
