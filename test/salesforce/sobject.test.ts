import { afterEach, describe, expect, it } from 'vitest'
import { DataHelpers } from '../../src/salesforce/client-helpers.js'
import { DescribeCache, SObject } from '../../src/salesforce/sobject/index.js'
import { sendJson, startLoopback, TestRequester, type Loopback } from './data-loopback.js'

const base = '/services/data/v66.0/sobjects'
const ID = '001000000000001AAA'
let server: Loopback | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

interface Account {
  Name: string
  Ext__c?: string
  Industry?: string
}

describe('sobject rows', () => {
  it('creates, reads with fields, updates and deletes one record', async () => {
    server = await startLoopback((req, res) => {
      const p = req.url.pathname
      if (req.method === 'POST' && p === `${base}/Account`)
        return sendJson(res, 201, { id: ID, success: true, errors: [] })
      if (req.method === 'GET' && p === `${base}/Account/${ID}`)
        return sendJson(res, 200, { attributes: { type: 'Account' }, Id: ID, Name: 'Acme' })
      if ((req.method === 'PATCH' || req.method === 'DELETE') && p === `${base}/Account/${ID}`)
        return sendJson(res, 204, undefined)
      sendJson(res, 404, [
        { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
      ])
    })
    const account = new SObject<Account>(new TestRequester(server.baseUrl), 'Account')
    expect(await account.create({ Name: 'Acme' })).toEqual({ id: ID, success: true, errors: [] })
    expect(server.calls[0]?.json()).toEqual({ Name: 'Acme' })
    const got = await account.get(ID, { fields: ['Name'] })
    expect(got.Name).toBe('Acme')
    expect(server.calls[1]?.url.searchParams.get('fields')).toBe('Name')
    await account.update(ID, { Industry: 'Tech' })
    expect(server.calls[2]?.json()).toEqual({ Industry: 'Tech' })
    await account.delete(ID)
    expect(server.calls[3]?.method).toBe('DELETE')
    await expect(account.get('001000000000002AAA')).rejects.toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    })
  })

  it('rejects bad ids, field names and object names before sending', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 500, []))
    const r = new TestRequester(server.baseUrl)
    const account = new SObject<Account>(r, 'Account')
    await expect(account.get('../../limits')).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(account.get(ID, { fields: ['Name, (SELECT' as 'Name'] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    expect(() => new SObject(r, 'Account/../x')).toThrow(/not a valid Salesforce API name/)
    expect(server.calls).toHaveLength(0)
  })

  it('upserts by external id: 201 created, 200 updated, 204 updated on old versions', async () => {
    const answers = [
      [201, { id: ID, success: true, errors: [], created: true }],
      [200, { id: ID, success: true, errors: [], created: false }],
      [204, undefined],
    ] as const
    let n = 0
    server = await startLoopback((_req, res) => {
      const [status, body] = answers[n++]!
      sendJson(res, status, body)
    })
    const account = new SObject<Account>(new TestRequester(server.baseUrl), 'Account')
    expect(await account.upsert('Ext__c', 'A/1', { Name: 'Acme', Ext__c: 'A/1' })).toEqual({
      id: ID,
      created: true,
    })
    expect(server.calls[0]?.method).toBe('PATCH')
    expect(server.calls[0]?.url.pathname).toBe(`${base}/Account/Ext__c/A%2F1`)
    expect(server.calls[0]?.json()).toEqual({ Name: 'Acme' })
    expect(await account.upsert('Ext__c', 'A/1', { Name: 'Acme' })).toEqual({
      id: ID,
      created: false,
    })
    expect(await account.upsert('Ext__c', 'A/1', { Name: 'Acme' })).toEqual({ created: false })
  })

  it('turns 300 Multiple Choices into MULTIPLE_RECORDS_MATCHED with the record URLs', async () => {
    const urls = [`${base}/Account/001000000000001AAA`, `${base}/Account/001000000000002AAA`]
    server = await startLoopback((_req, res) => sendJson(res, 300, urls))
    const account = new SObject<Account>(new TestRequester(server.baseUrl), 'Account')
    await expect(account.upsert('Ext__c', 'dup', { Name: 'x' })).rejects.toMatchObject({
      code: 'MULTIPLE_RECORDS_MATCHED',
      urls,
    })
    await expect(account.getByExternalId('Ext__c', 'dup')).rejects.toMatchObject({
      code: 'MULTIPLE_RECORDS_MATCHED',
      urls,
    })
  })

  it('refuses an upsert whose body repeats the external id with another value', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 500, []))
    const account = new SObject<Account>(new TestRequester(server.baseUrl), 'Account')
    await expect(account.upsert('Ext__c', 'a', { Ext__c: 'b' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    expect(server.calls).toHaveLength(0)
  })
})

describe('describe cache', () => {
  const describeBody = { name: 'Account', label: 'Account', fields: [{ name: 'Id' }] }
  const lastModified = 'Mon, 01 Jan 2024 00:00:00 GMT'

  it('reuses a describe within the TTL, then revalidates with If-Modified-Since and keeps it on 304', async () => {
    server = await startLoopback((req, res) => {
      if (req.headers['if-modified-since'] === lastModified) return sendJson(res, 304, undefined)
      sendJson(res, 200, describeBody, { 'last-modified': lastModified })
    })
    let now = 0
    const cache = new DescribeCache({ ttlMs: 1000, now: () => now })
    const r = new TestRequester(server.baseUrl)
    const first = await new SObject(r, 'Account', { describeCache: cache }).describe()
    expect(first.fields).toHaveLength(1)
    await new SObject(r, 'Account', { describeCache: cache }).describe()
    expect(server.calls).toHaveLength(1)
    now = 2000
    const again = await new SObject(r, 'Account', { describeCache: cache }).describe()
    expect(again).toBe(first)
    expect(server.calls).toHaveLength(2)
    expect(server.calls[1]?.headers['if-modified-since']).toBe(lastModified)
    expect(server.calls[1]?.url.pathname).toBe(`${base}/Account/describe`)
  })

  it('shares one request between concurrent callers and never caches a failure', async () => {
    let fail = true
    server = await startLoopback((_req, res) => {
      if (fail) return sendJson(res, 503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }])
      sendJson(res, 200, describeBody)
    })
    const cache = new DescribeCache()
    const account = new SObject(new TestRequester(server.baseUrl), 'Account', {
      describeCache: cache,
    })
    const results = await Promise.allSettled([
      account.describe(),
      account.describe(),
      account.describe(),
    ])
    expect(results.every((r) => r.status === 'rejected')).toBe(true)
    expect(server.calls).toHaveLength(1)
    fail = false
    expect((await account.describe()).name).toBe('Account')
    expect(server.calls).toHaveLength(2)
  })
})

describe('data helpers on a client', () => {
  it('shares one describe cache between sobject() calls', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, { name: 'Account', label: 'Account', fields: [] }),
    )
    const helpers = new DataHelpers(new TestRequester(server.baseUrl))
    await helpers.sobject('Account').describe()
    await helpers.sobject('Account').describe()
    expect(server.calls).toHaveLength(1)
  })
})
