// The composite family over real HTTP against the emulator: sObject Collections (also through
// jsforce), /composite with references and allOrNone, /composite/batch and /composite/tree.

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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON under test
  body: any
}

async function api(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Answer> {
  const res = await request(`${emu.url}/services/data/${V}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.body.text()
  return {
    status: res.statusCode,
    headers: res.headers,
    body: text === '' ? null : JSON.parse(text),
  }
}

const account = (name?: string) => ({
  attributes: { type: 'Account' },
  ...(name === undefined ? {} : { Name: name }),
})
const live = (type: string, id: string) => {
  const row = emu.org.getRow(type, id)
  return row !== undefined && !row.IsDeleted
}

beforeAll(async () => {
  emu = await startEmulator({ org: 'examples/demo-org.yaml' })
  token = await demoToken(emu.url)
})

afterAll(async () => {
  await emu?.close()
})

describe('sObject Collections', () => {
  it('creates records in request order and reports failed ones with statusCode, answering 200', async () => {
    const res = await api('POST', '/composite/sobjects', {
      records: [
        account('Acme'),
        { attributes: { type: 'Contact' }, FirstName: 'No last name' },
        account('Globex'),
      ],
    })
    expect(res.status).toBe(200)
    expect(res.body).toHaveLength(3)
    expect(res.body[0]).toMatchObject({ success: true, errors: [] })
    expect(res.body[1].success).toBe(false)
    expect(res.body[1].id).toBeUndefined()
    expect(res.body[1].errors[0]).toMatchObject({
      statusCode: 'REQUIRED_FIELD_MISSING',
      fields: ['LastName'],
    })
    expect(res.body[2]).toMatchObject({ success: true })
    expect(emu.org.getRow('Account', res.body[0].id)?.Name).toBe('Acme')
    expect(emu.org.getRow('Account', res.body[2].id)?.Name).toBe('Globex')
  })

  it('rolls every record back with allOrNone when one fails', async () => {
    const before = [...emu.org.rows('Account')].length
    const res = await api('POST', '/composite/sobjects', {
      allOrNone: true,
      records: [account('Kept only if all pass'), account()],
    })
    expect(res.status).toBe(200)
    expect(res.body[0]).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
          message:
            'Record rolled back because not all records were valid and the request was using AllOrNone header',
          fields: [],
        },
      ],
    })
    expect(res.body[1].errors[0].statusCode).toBe('REQUIRED_FIELD_MISSING')
    expect([...emu.org.rows('Account')].length).toBe(before)
  })

  it('refuses more than 200 records with EXCEEDED_ID_LIMIT', async () => {
    const res = await api('POST', '/composite/sobjects', {
      records: Array.from({ length: 201 }, (_, i) => account(`A${i}`)),
    })
    expect(res.status).toBe(400)
    expect(res.body[0].errorCode).toBe('EXCEEDED_ID_LIMIT')
  })

  it('fails a record without attributes.type', async () => {
    const res = await api('POST', '/composite/sobjects', { records: [{ Name: 'typeless' }] })
    expect(res.status).toBe(200)
    expect(res.body[0].success).toBe(false)
    expect(res.body[0].errors[0].statusCode).toBe('INVALID_TYPE')
  })

  it('updates, upserts by external id, retrieves and deletes', async () => {
    const created = await api('POST', '/composite/sobjects', {
      records: [account('One'), account('Two')],
    })
    const [a, b] = created.body.map((r: { id: string }) => r.id)

    const updated = await api('PATCH', '/composite/sobjects', {
      records: [
        { attributes: { type: 'Account' }, Id: a, Name: 'One renamed' },
        { attributes: { type: 'Account' }, Name: 'no id' },
      ],
    })
    expect(updated.body[0]).toEqual({ id: a, success: true, errors: [] })
    expect(updated.body[1].errors[0].statusCode).toBe('MISSING_ARGUMENT')
    expect(emu.org.getRow('Account', a)?.Name).toBe('One renamed')

    const inv = (n: string, amount: number) => ({
      attributes: { type: 'Invoice__c' },
      Number__c: n,
      Amount__c: amount,
    })
    const first = await api('PATCH', '/composite/sobjects/Invoice__c/Number__c', {
      records: [inv('INV-1', 10)],
    })
    expect(first.body[0]).toMatchObject({ success: true, created: true })
    const second = await api('PATCH', '/composite/sobjects/Invoice__c/Number__c', {
      records: [inv('INV-1', 20), inv('INV-2', 30)],
    })
    expect(second.body.map((r: { created: boolean }) => r.created)).toEqual([false, true])
    expect(second.body[0].id).toBe(first.body[0].id)

    const got = await api(
      'GET',
      `/composite/sobjects/Account?ids=${a},${b},001000000000000AAA&fields=Id,Name`,
    )
    expect(got.status).toBe(200)
    expect(got.body[0]).toMatchObject({
      attributes: { type: 'Account' },
      Id: a,
      Name: 'One renamed',
    })
    expect(got.body[1].Name).toBe('Two')
    expect(got.body[2]).toBeNull()
    const posted = await api('POST', '/composite/sobjects/Account', { ids: [b], fields: ['Name'] })
    expect(posted.body).toEqual([
      {
        attributes: { type: 'Account', url: `/services/data/${V}/sobjects/Account/${b}` },
        Name: 'Two',
      },
    ])

    const deleted = await api('DELETE', `/composite/sobjects?ids=${a},${b}&allOrNone=false`)
    expect(deleted.body).toEqual([
      { id: a, success: true, errors: [] },
      { id: b, success: true, errors: [] },
    ])
    expect(live('Account', a)).toBe(false)
    const again = await api('DELETE', `/composite/sobjects?ids=${a}`)
    expect(again.body[0]).toMatchObject({ id: a, success: false })
  })

  it('serves jsforce create, retrieve, update and destroy of several records', async () => {
    const conn = new jsforce.Connection({
      oauth2: {
        clientId: '3MVG9forcebridge.demo.consumer.key',
        clientSecret: 'forcebridge-demo-consumer-secret',
        loginUrl: emu.url,
      },
      version: '62.0',
    })
    await conn.login('my.user@example.com', 'my.passwordDemoSecurityToken01')
    const results = await conn
      .sobject('Account')
      .create([{ Name: 'jsforce 1' }, { Name: 'jsforce 2' }])
    expect(results.every((r) => r.success)).toBe(true)
    const ids = results.map((r) => (r.success ? r.id : ''))
    const records = await conn.sobject('Account').retrieve(ids, { fields: ['Id', 'Name'] })
    expect(records.map((r) => r?.Name)).toEqual(['jsforce 1', 'jsforce 2'])
    const updates = await conn
      .sobject('Account')
      .update(ids.map((Id) => ({ Id, Name: `${Id} updated` })))
    expect(updates.every((r) => r.success)).toBe(true)
    expect(emu.org.getRow('Account', ids[0]!)?.Name).toBe(`${ids[0]} updated`)
    const destroyed = await conn.sobject('Account').destroy(ids)
    expect(destroyed.every((r) => r.success)).toBe(true)
    expect(live('Account', ids[1]!)).toBe(false)
  })
})

describe('/composite', () => {
  it('runs subrequests in order, resolving @{ref.id} and @{ref.records[0].Id}', async () => {
    const res = await api('POST', '/composite', {
      compositeRequest: [
        {
          method: 'POST',
          url: `/services/data/${V}/sobjects/Account`,
          referenceId: 'acct',
          body: { Name: 'Composite Co' },
        },
        {
          method: 'POST',
          url: `/services/data/${V}/sobjects/Contact`,
          referenceId: 'contact',
          body: { LastName: 'Ref', AccountId: '@{acct.id}' },
        },
        {
          method: 'GET',
          url: `/services/data/${V}/query?q=SELECT+Id,Name+FROM+Account+WHERE+Id='@{acct.id}'`,
          referenceId: 'found',
        },
        {
          method: 'GET',
          url: `/services/data/${V}/sobjects/Account/@{found.records[0].Id}?fields=Name`,
          referenceId: 'again',
        },
      ],
    })
    expect(res.status).toBe(200)
    const [acct, contact, found, again] = res.body.compositeResponse
    expect(acct).toMatchObject({
      httpStatusCode: 201,
      referenceId: 'acct',
      body: { success: true },
    })
    expect(acct.httpHeaders.Location).toBe(`/services/data/${V}/sobjects/Account/${acct.body.id}`)
    expect(contact.httpStatusCode).toBe(201)
    expect(emu.org.getRow('Contact', contact.body.id)?.AccountId).toBe(acct.body.id)
    expect(found.body.totalSize).toBe(1)
    expect(again).toMatchObject({ httpStatusCode: 200, body: { Name: 'Composite Co' } })
  })

  it('rolls back everything with allOrNone and marks the others PROCESSING_HALTED', async () => {
    const res = await api('POST', '/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: `/services/data/${V}/sobjects/Account`,
          referenceId: 'ok',
          body: { Name: 'Rolled back' },
        },
        {
          method: 'POST',
          url: `/services/data/${V}/sobjects/Contact`,
          referenceId: 'bad',
          body: { FirstName: 'x' },
        },
        {
          method: 'POST',
          url: `/services/data/${V}/sobjects/Account`,
          referenceId: 'later',
          body: { Name: 'Never' },
        },
      ],
    })
    expect(res.status).toBe(200)
    const [ok, bad, later] = res.body.compositeResponse
    expect(ok.httpStatusCode).toBe(400)
    expect(ok.body[0].errorCode).toBe('PROCESSING_HALTED')
    expect(bad.httpStatusCode).toBe(400)
    expect(bad.body[0].errorCode).toBe('REQUIRED_FIELD_MISSING')
    expect(later.body[0].errorCode).toBe('PROCESSING_HALTED')
    expect(
      [...emu.org.rows('Account')].some((r) => r.Name === 'Rolled back' || r.Name === 'Never'),
    ).toBe(false)
  })

  it('lets a composite allOrNone override a nested collection that allows partial success', async () => {
    const res = await api('POST', '/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: `/services/data/${V}/sobjects/Account`,
          referenceId: 'first',
          body: { Name: 'Outer' },
        },
        {
          method: 'POST',
          url: `/services/data/${V}/composite/sobjects`,
          referenceId: 'coll',
          body: { allOrNone: false, records: [account('Inner ok'), account()] },
        },
      ],
    })
    const [first, coll] = res.body.compositeResponse
    expect(first.body[0].errorCode).toBe('PROCESSING_HALTED')
    expect(coll.body[1].errors[0].statusCode).toBe('REQUIRED_FIELD_MISSING')
    const names = [...emu.org.rows('Account')].map((r) => r.Name)
    expect(names).not.toContain('Outer')
    expect(names).not.toContain('Inner ok')
  })

  it('commits every subrequest of a successful allOrNone request', async () => {
    const res = await api('POST', '/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: `/services/data/${V}/sobjects/Account`,
          referenceId: 'a',
          body: { Name: 'All good' },
        },
        {
          method: 'PATCH',
          url: `/services/data/${V}/sobjects/Invoice__c/Number__c/AON-1`,
          referenceId: 'inv',
          body: { Amount__c: 5, Account__c: '@{a.id}' },
        },
        {
          method: 'PATCH',
          url: `/services/data/${V}/sobjects/Account/@{a.id}`,
          referenceId: 'rename',
          body: { Name: 'All good, renamed' },
        },
        {
          method: 'GET',
          url: `/services/data/${V}/query?q=SELECT+Name+FROM+Account+WHERE+Id='@{a.id}'`,
          referenceId: 'q',
        },
      ],
    })
    const [a, inv, rename, q] = res.body.compositeResponse
    expect([a.httpStatusCode, inv.httpStatusCode, rename.httpStatusCode, q.httpStatusCode]).toEqual(
      [201, 201, 204, 200],
    )
    expect(inv.body).toMatchObject({ success: true, created: true })
    expect(q.body.records[0].Name).toBe('All good, renamed')
    expect(emu.org.getRow('Invoice__c', inv.body.id)?.Account__c).toBe(a.body.id)
  })

  it('without allOrNone skips only the subrequests that depend on a failed one', async () => {
    const res = await api('POST', '/composite', {
      compositeRequest: [
        {
          method: 'POST',
          url: `/services/data/${V}/sobjects/Account`,
          referenceId: 'bad',
          body: {},
        },
        {
          method: 'POST',
          url: `/services/data/${V}/sobjects/Contact`,
          referenceId: 'dep',
          body: { LastName: 'D', AccountId: '@{bad.id}' },
        },
        {
          method: 'POST',
          url: `/services/data/${V}/sobjects/Account`,
          referenceId: 'free',
          body: { Name: 'Independent' },
        },
        {
          method: 'GET',
          url: `/services/data/${V}/sobjects/Account/describe`,
          referenceId: 'describe',
        },
      ],
    })
    const [bad, dep, free, describe] = res.body.compositeResponse
    expect(bad.httpStatusCode).toBe(400)
    expect(dep.httpStatusCode).toBe(400)
    expect(dep.body[0].errorCode).toBe('PROCESSING_HALTED')
    expect(free.httpStatusCode).toBe(201)
    expect(live('Account', free.body.id)).toBe(true)
    expect(describe.httpStatusCode).toBe(200)
    expect(describe.body.name).toBe('Account')
  })

  it('refuses more than 25 subrequests', async () => {
    const res = await api('POST', '/composite', {
      compositeRequest: Array.from({ length: 26 }, (_, i) => ({
        method: 'GET',
        url: `/services/data/${V}/sobjects/Account/describe`,
        referenceId: `r${i}`,
      })),
    })
    expect(res.status).toBe(400)
  })
})

describe('/composite/batch', () => {
  it('halts after a failure with 412 BATCH_PROCESSING_HALTED and counts each subrequest', async () => {
    const usage = (h: Answer) =>
      Number(/api-usage=(\d+)\//.exec(String(h.headers['sforce-limit-info']))?.[1])
    const before = usage(await api('GET', '/sobjects/Account/describe'))
    const res = await api('POST', '/composite/batch', {
      haltOnError: true,
      batchRequests: [
        { method: 'POST', url: `${V}/sobjects/Account`, richInput: { Name: 'Batch one' } },
        { method: 'POST', url: `${V}/sobjects/Account`, richInput: {} },
        { method: 'GET', url: `${V}/sobjects/Account/describe` },
      ],
    })
    expect(res.status).toBe(200)
    expect(res.body.hasErrors).toBe(true)
    expect(res.body.results.map((r: { statusCode: number }) => r.statusCode)).toEqual([
      201, 400, 412,
    ])
    expect(res.body.results[2].result[0].errorCode).toBe('BATCH_PROCESSING_HALTED')
    const after = usage(await api('GET', '/sobjects/Account/describe'))
    // describe (1) + batch of which two subrequests ran (2) + this describe (1)
    expect(after - before).toBe(3)
  })
})

describe('query subrequests', () => {
  it('page as /query does: 2,000 records, the rest behind nextRecordsUrl, in composite (with and without allOrNone) and batch', async () => {
    // 2,500 invoices, created in an order their numbers do not sort in.
    const numbers = Array.from(
      { length: 2500 },
      (_, i) => `PG-${String((i * 7) % 2500).padStart(4, '0')}`,
    )
    for (let i = 0; i < numbers.length; i += 200) {
      const res = await api('POST', '/composite/sobjects', {
        allOrNone: true,
        records: numbers
          .slice(i, i + 200)
          .map((n) => ({ attributes: { type: 'Invoice__c' }, Number__c: n })),
      })
      expect(res.status).toBe(200)
    }
    const soql =
      "SELECT Number__c FROM Invoice__c WHERE Number__c LIKE 'PG-%' ORDER BY Number__c DESC"
    const url = `/services/data/${V}/query?q=${encodeURIComponent(soql)}`
    const expected = [...numbers].sort().reverse()
    /** Every record of a first page and the pages behind its nextRecordsUrl. */
    const readAll = async (first: Answer['body']): Promise<string[]> => {
      expect(first).toMatchObject({ totalSize: 2500, done: false })
      expect(first.records).toHaveLength(2000)
      const rest = await request(`${emu.url}${first.nextRecordsUrl}`, {
        headers: { authorization: `Bearer ${token}` },
      })
      const next = (await rest.body.json()) as Answer['body']
      expect(next).toMatchObject({ totalSize: 2500, done: true })
      return [...first.records, ...next.records].map((r: { Number__c: string }) => r.Number__c)
    }
    for (const allOrNone of [true, false]) {
      const res = await api('POST', '/composite', {
        allOrNone,
        compositeRequest: [{ method: 'GET', url, referenceId: 'q' }],
      })
      expect(res.body.compositeResponse[0].httpStatusCode).toBe(200)
      expect(await readAll(res.body.compositeResponse[0].body)).toEqual(expected)
    }
    const batch = await api('POST', '/composite/batch', {
      batchRequests: [{ method: 'GET', url: url.replace('/services/data/', '') }],
    })
    expect(batch.body.results[0].statusCode).toBe(200)
    expect(await readAll(batch.body.results[0].result)).toEqual(expected)
  })
})

describe('/composite/tree', () => {
  it('creates a parent with its child records and answers 201 with every referenceId', async () => {
    const res = await api('POST', '/composite/tree/Account', {
      records: [
        {
          attributes: { type: 'Account', referenceId: 'acc1' },
          Name: 'Tree Co',
          Contacts: {
            records: [
              { attributes: { type: 'Contact', referenceId: 'c1' }, LastName: 'Leaf' },
              { attributes: { type: 'Contact', referenceId: 'c2' }, LastName: 'Twig' },
            ],
          },
        },
      ],
    })
    expect(res.status).toBe(201)
    expect(res.body.hasErrors).toBe(false)
    expect(res.body.results.map((r: { referenceId: string }) => r.referenceId)).toEqual([
      'acc1',
      'c1',
      'c2',
    ])
    const accId = res.body.results[0].id
    expect(emu.org.getRow('Contact', res.body.results[2].id)?.AccountId).toBe(accId)
  })

  it('creates nothing and lists only the failing record when one is invalid', async () => {
    const res = await api('POST', '/composite/tree/Account', {
      records: [
        {
          attributes: { type: 'Account', referenceId: 'p' },
          Name: 'Tree fail',
          Contacts: {
            records: [{ attributes: { type: 'Contact', referenceId: 'badChild' }, FirstName: 'x' }],
          },
        },
      ],
    })
    expect(res.status).toBe(400)
    expect(res.body.hasErrors).toBe(true)
    expect(res.body.results).toHaveLength(1)
    expect(res.body.results[0].referenceId).toBe('badChild')
    expect(res.body.results[0].errors[0].statusCode).toBe('REQUIRED_FIELD_MISSING')
    expect([...emu.org.rows('Account')].some((r) => r.Name === 'Tree fail')).toBe(false)
  })

  it('needs a referenceId on every record', async () => {
    const res = await api('POST', '/composite/tree/Account', {
      records: [{ attributes: { type: 'Account' }, Name: 'x' }],
    })
    expect(res.status).toBe(400)
  })
})
