import { afterEach, describe, expect, it } from 'vitest'
import { Collections } from '../../src/salesforce/collections/index.js'
import { sendJson, startLoopback, TestRequester, type Loopback } from './data-loopback.js'

let server: Loopback | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const idFor = (n: number) => `001${String(n).padStart(12, '0')}AAA`

/** A collections server: answers per record, failing records named bad*, with random delays. */
async function collectionsServer(): Promise<Loopback> {
  return startLoopback(async (req, res) => {
    await new Promise((r) => setTimeout(r, Math.random() * 15))
    if (req.method === 'DELETE') {
      const ids = (req.url.searchParams.get('ids') ?? '').split(',')
      return sendJson(
        res,
        200,
        ids.map((id) => ({ id, success: true, errors: [] })),
      )
    }
    const body = req.json() as {
      allOrNone: boolean
      records: Array<{ attributes: { type: string }; Name?: string; Seq: number; Ext__c?: string }>
    }
    if (body.records.length > 200)
      return sendJson(res, 400, [{ errorCode: 'EXCEEDED_ID_LIMIT', message: 'too many' }])
    if (body.records.some((r) => r.Name === 'boom'))
      return sendJson(res, 503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }])
    const anyBad = body.records.some((r) => r.Name?.startsWith('bad'))
    sendJson(
      res,
      200,
      body.records.map((r) => {
        if (r.Name?.startsWith('bad')) {
          return {
            success: false,
            errors: [
              {
                statusCode: 'REQUIRED_FIELD_MISSING',
                message: 'Required fields are missing: [Industry]',
                fields: ['Industry'],
              },
            ],
          }
        }
        if (body.allOrNone && anyBad) {
          return {
            success: false,
            errors: [
              {
                statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                message: 'rolled back',
                fields: [],
              },
            ],
          }
        }
        return {
          id: idFor(r.Seq),
          success: true,
          errors: [],
          ...(req.method === 'PATCH' && r.Ext__c ? { created: r.Seq % 2 === 0 } : {}),
        }
      }),
    )
  })
}

describe('sObject collections', () => {
  it('chunks 1,050 records by 200 and returns one result per record in input order', async () => {
    server = await collectionsServer()
    const records = Array.from({ length: 1050 }, (_, i) => ({
      Name: i % 97 === 5 ? `bad${i}` : `A${i}`,
      Seq: i,
    }))
    const results = await new Collections(new TestRequester(server.baseUrl), {
      concurrency: 3,
    }).create('Account', records)
    expect(results).toHaveLength(1050)
    expect(
      server.calls
        .map((c) => (c.json() as { records: unknown[] }).records.length)
        .sort((a, b) => b - a),
    ).toEqual([200, 200, 200, 200, 200, 50])
    results.forEach((r, i) => {
      if (i % 97 === 5)
        expect(r).toEqual({
          success: false,
          errors: [
            {
              code: 'REQUIRED_FIELD_MISSING',
              message: 'Required fields are missing: [Industry]',
              fields: ['Industry'],
            },
          ],
        })
      else expect(r).toEqual({ id: idFor(i), success: true, errors: [] })
    })
    const first = server.calls[0]?.json() as {
      allOrNone: boolean
      records: Array<{ attributes: { type: string } }>
    }
    expect(first.allOrNone).toBe(false)
    expect(first.records[0]?.attributes.type).toBe('Account')
  })

  it('upserts on an external id field and reports created per record', async () => {
    server = await collectionsServer()
    const records = Array.from({ length: 3 }, (_, i) => ({
      Name: `A${i}`,
      Seq: i,
      Ext__c: `e${i}`,
    }))
    const results = await new Collections(new TestRequester(server.baseUrl)).upsert(
      'Account',
      'Ext__c',
      records,
    )
    expect(results.map((r) => r.created)).toEqual([true, false, true])
    expect(server.calls[0]?.method).toBe('PATCH')
    expect(server.calls[0]?.url.pathname).toBe(
      '/services/data/v66.0/composite/sobjects/Account/Ext__c',
    )
  })

  it('stops after a failed chunk when allOrNone is set, and says which records were not sent', async () => {
    server = await collectionsServer()
    const records = Array.from({ length: 450 }, (_, i) => ({
      Name: i === 250 ? 'bad' : `A${i}`,
      Seq: i,
    }))
    const results = await new Collections(new TestRequester(server.baseUrl)).create(
      'Account',
      records,
      { allOrNone: true },
    )
    expect(server.calls).toHaveLength(2)
    expect(results.slice(0, 200).every((r) => r.success)).toBe(true)
    expect(results[250]?.errors[0]?.code).toBe('REQUIRED_FIELD_MISSING')
    expect(results[201]?.errors[0]?.code).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK')
    expect(results.slice(400).every((r) => r.errors[0]?.code === 'NOT_ATTEMPTED')).toBe(true)
  })

  it('reports a chunk that failed as a whole on its records, and throws when every chunk failed', async () => {
    server = await collectionsServer()
    const c = new Collections(new TestRequester(server.baseUrl), { chunkSize: 2 })
    const results = await c.create('Account', [
      { Name: 'a', Seq: 0 },
      { Name: 'b', Seq: 1 },
      { Name: 'boom', Seq: 2 },
    ])
    expect(results.map((r) => r.success)).toEqual([true, true, false])
    expect(results[2]?.errors[0]?.code).toBe('SERVER_UNAVAILABLE')
    await expect(c.create('Account', [{ Name: 'boom', Seq: 0 }])).rejects.toMatchObject({
      status: 503,
    })
  })

  it('deletes by ids in chunks and retrieves in input order with nulls', async () => {
    server = await collectionsServer()
    const ids = Array.from({ length: 201 }, (_, i) => idFor(i))
    const results = await new Collections(new TestRequester(server.baseUrl)).delete(ids)
    expect(results.map((r) => r.id)).toEqual(ids)
    expect(server.calls.map((c) => c.url.searchParams.get('ids')?.split(',').length)).toEqual([
      200, 1,
    ])
    await server.close()
    server = await startLoopback((req, res) => {
      const body = req.json() as { ids: string[]; fields: string[] }
      sendJson(
        res,
        200,
        body.ids.map((id, i) => (i === 1 ? null : { attributes: { type: 'Account' }, Id: id })),
      )
    })
    const rows = await new Collections(new TestRequester(server.baseUrl)).retrieve<{ Id: string }>(
      'Account',
      ids.slice(0, 3),
      ['Id', 'Name'],
    )
    expect(rows.map((r) => r?.Id ?? null)).toEqual([ids[0], null, ids[2]])
    expect(server.calls[0]?.json()).toEqual({ ids: ids.slice(0, 3), fields: ['Id', 'Name'] })
  })

  it('rejects records without a type and bad ids before sending', async () => {
    server = await collectionsServer()
    const c = new Collections(new TestRequester(server.baseUrl))
    await expect(c.create(undefined, [{ Name: 'x' }])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    await expect(c.update('Account', [{ Id: 'nope' }])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    expect(() => new Collections(new TestRequester(server!.baseUrl), { chunkSize: 201 })).toThrow(
      /1\.\.200/,
    )
    expect(server.calls).toHaveLength(0)
  })
})
