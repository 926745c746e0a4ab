import { afterEach, describe, expect, it } from 'vitest'
import { SObject } from '../../src/salesforce/sobject/index.js'
import { TestRequester } from './data-loopback.js'
import { startFakeBulk, type FakeBulk } from './bulk-fake-server.js'

const poll = { initialDelayMs: 1, maxDelayMs: 2, sleep: () => Promise.resolve() }
let server: FakeBulk | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const idFor = (i: number) => `001R${String(i).padStart(11, '0')}AAA`

describe('insertMany, updateMany, upsertMany, deleteMany', () => {
  it('uses Collections below the threshold', async () => {
    server = await startFakeBulk()
    const account = new SObject(new TestRequester(server.baseUrl), 'Account')
    const results = await account.insertMany([{ Name: 'a' }, { Name: 'bad' }], { bulkThreshold: 3 })
    expect(results.map((r) => r.success)).toEqual([true, false])
    expect(server.calls.map((c) => c.url.pathname)).toEqual([
      '/services/data/v66.0/composite/sobjects',
    ])
  })

  it('uses Bulk from the threshold on and maps result rows (returned out of order) to input order', async () => {
    server = await startFakeBulk()
    const account = new SObject<{ Name: string; Seq: number; Industry?: string | null }>(
      new TestRequester(server.baseUrl),
      'Account',
    )
    // Two identical rows and rows with different column sets: matching must still give one result each.
    const records = Array.from({ length: 40 }, (_, i) => ({
      Name: i % 7 === 1 ? `bad${i}` : `A${i}`,
      Seq: i,
      ...(i % 2 ? { Industry: null } : {}),
    }))
    records.push({ Name: 'same', Seq: 99 }, { Name: 'same', Seq: 99 })
    const results = await account.insertMany(records, { bulkThreshold: 10, poll })
    expect(results).toHaveLength(42)
    expect(server.calls.some((c) => c.url.pathname.endsWith('/jobs/ingest'))).toBe(true)
    results.forEach((r, i) => {
      if (i < 40 && i % 7 === 1)
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
      else
        expect(r).toMatchObject({
          success: true,
          errors: [],
          id: expect.stringMatching(/^001R/) as unknown,
        })
    })
    expect(new Set(results.filter((r) => r.success).map((r) => r.id)).size).toBe(42 - 6)
    const upload = [...server.jobs.values()][0]?.uploads[0] ?? ''
    expect(upload.split('\n')[0]).toBe('Name,Seq,Industry')
    expect(upload.split('\n')[2]).toBe('A1,1,#N/A'.replace('A1', 'bad1'))
  })

  it('updates and deletes by Id and upserts with created flags through Bulk', async () => {
    server = await startFakeBulk()
    const account = new SObject<{ Name: string; Seq: number; Ext__c?: string }>(
      new TestRequester(server.baseUrl),
      'Account',
    )
    const updates = Array.from({ length: 12 }, (_, i) => ({
      Id: idFor(i),
      Name: i === 5 ? 'bad' : `U${i}`,
      Seq: i,
    }))
    const updated = await account.updateMany(updates, { bulkThreshold: 10, poll })
    expect(updated.map((r) => r.id ?? null)).toEqual(updates.map((u, i) => (i === 5 ? u.Id : u.Id)))
    expect(updated.map((r) => r.success)).toEqual(updates.map((_, i) => i !== 5))

    const upserts = Array.from({ length: 12 }, (_, i) => ({
      Ext__c: `e${i}`,
      Name: `U${i}`,
      Seq: i,
    }))
    const upserted = await account.upsertMany('Ext__c', upserts, { bulkThreshold: 10, poll })
    expect(upserted.map((r) => r.created)).toEqual(upserts.map((_, i) => i % 2 === 0))
    const upsertJob = [...server.jobs.values()].find((j) => j.operation === 'upsert')
    expect(upsertJob?.externalIdFieldName).toBe('Ext__c')

    const ids = Array.from({ length: 10 }, (_, i) => idFor(i))
    const deleted = await account.deleteMany(ids, { bulkThreshold: 10, poll })
    expect(deleted.map((r) => r.id)).toEqual(ids)
  })

  it('marks every record of a failed job UNPROCESSED with the job error', async () => {
    server = await startFakeBulk()
    server.failNextJob = true
    const account = new SObject(new TestRequester(server.baseUrl), 'Account')
    const results = await account.insertMany(
      Array.from({ length: 10 }, (_, i) => ({ Name: `A${i}` })),
      { bulkThreshold: 5, poll },
    )
    expect(results.every((r) => !r.success && r.errors[0]?.code === 'UNPROCESSED')).toBe(true)
    expect(results).toHaveLength(10)
    expect(results[0]?.errors[0]?.message).toMatch(/Field name not found/)
  })

  it('keeps allOrNone calls on Collections', async () => {
    server = await startFakeBulk()
    const account = new SObject(new TestRequester(server.baseUrl), 'Account')
    await account.insertMany(
      Array.from({ length: 20 }, (_, i) => ({ Name: `A${i}` })),
      { bulkThreshold: 5, allOrNone: true },
    )
    expect(server.calls.every((c) => c.url.pathname.endsWith('/composite/sobjects'))).toBe(true)
  })
})
