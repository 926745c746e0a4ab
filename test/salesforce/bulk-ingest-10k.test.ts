// 10,000-row Bulk API 2.0 ingest jobs against the emulator, one per operation (insert, update,
// upsert by external id, delete, hardDelete), each with some rows that fail: every failure must
// come back on the right input row, with its reason, and every success with an id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import {
  createClient,
  type BulkFailureRow,
  type BulkSuccessRow,
  type IngestResult,
  type SalesforceClient,
} from '../../src/salesforce/index.js'

const N = 10_000
const poll = { initialDelayMs: 20, maxDelayMs: 200 }
let emu: EmulatorHandle
let client: SalesforceClient

beforeAll(async () => {
  emu = await startEmulator()
  client = createClient({
    loginUrl: emu.url,
    auth: {
      flow: 'password',
      username: 'my.user@example.com',
      password: 'my.password',
      securityToken: 'DemoSecurityToken01',
      clientId: '3MVG9forcebridge.demo.consumer.key',
      clientSecret: 'forcebridge-demo-consumer-secret',
    },
  })
})
afterAll(async () => {
  await client?.close()
  await emu?.close()
})

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

async function results(r: IngestResult): Promise<{ ok: BulkSuccessRow[]; bad: BulkFailureRow[] }> {
  return { ok: await collect(r.successfulResults()), bad: await collect(r.failedResults()) }
}

/** Invoice__c rows in the org by id (deleted ones included, flagged). */
function invoices(): Map<string, Record<string, unknown>> {
  return new Map([...emu.org.rows('Invoice__c')].map((r) => [String(r.Id), r]))
}

const number = (i: number) => `N-${String(i).padStart(5, '0')}`
const indexOf = (n: string | undefined) => Number(/^[NU]-(\d+)$/.exec(n ?? '')?.[1])
/** Rows that are not a value of the restricted Status__c picklist. */
const badStatus = (i: number) => i % 1000 === 13
/** Rows whose Amount__c is not a number. */
const badAmount = (i: number) => i % 1000 === 501
/** A well-formed Invoice__c id that no record has. */
const unknownId = (i: number) => `a00ZZ${String(i).padStart(10, '0')}`

/** Ids of the created invoices by input index, set by the insert test and used after it. */
const ids = new Map<number, string>()

describe('10,000-row ingest jobs with failing rows', () => {
  it('insert: failures on the rows with a bad picklist value or amount, ids for the rest', async () => {
    const records = Array.from({ length: N }, (_, i) => ({
      Number__c: number(i),
      Amount__c: badAmount(i) ? 'abc' : (i * 1.5).toFixed(2),
      Status__c: badStatus(i) ? 'Lost' : ['Draft', 'Sent', 'Paid'][i % 3],
    }))
    const r = await client.data.bulk.ingest(
      { object: 'Invoice__c', operation: 'insert', poll },
      records,
    )
    expect(r.jobs).toHaveLength(1)
    expect(r.jobs[0]).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: N,
      numberRecordsFailed: 20,
    })
    const { ok, bad } = await results(r)
    expect(bad.map((b) => indexOf(b.fields.Number__c)).sort((a, b) => a - b)).toEqual(
      records.flatMap((_, i) => (badStatus(i) || badAmount(i) ? [i] : [])),
    )
    for (const b of bad) {
      const i = indexOf(b.fields.Number__c)
      expect(b.fields).toEqual(records[i])
      if (badStatus(i)) {
        expect(b.error).toMatchObject({
          code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          fields: ['Status__c'],
        })
      } else {
        expect(b.error).toMatchObject({
          code: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
          fields: ['Amount__c'],
        })
      }
    }
    expect(ok).toHaveLength(N - 20)
    const org = invoices()
    for (const s of ok) {
      const i = indexOf(s.fields.Number__c)
      expect(s.created).toBe(true)
      expect(org.get(s.id)?.Number__c).toBe(number(i))
      ids.set(i, s.id)
    }
  })

  it('update: failures on unknown ids and bad values, matched by id', async () => {
    // Rows of invoices that were never created get a made-up id instead.
    const records = Array.from({ length: N }, (_, i) => ({
      Id: ids.get(i) ?? unknownId(i),
      Amount__c: String(i * 2),
      ...(i % 1000 === 700 ? { Status__c: 'Refunded' } : {}),
    }))
    const columns = ['Id', 'Amount__c', 'Status__c']
    const r = await client.data.bulk.ingest(
      { object: 'Invoice__c', operation: 'update', columns, poll },
      records,
    )
    const { ok, bad } = await results(r)
    const expectedBad = records.flatMap((_, i) => (!ids.has(i) || i % 1000 === 700 ? [i] : []))
    expect(bad).toHaveLength(expectedBad.length)
    const byId = new Map(records.map((rec, i) => [rec.Id, i]))
    for (const b of bad) {
      const i = byId.get(b.fields.Id as string) as number
      expect(expectedBad).toContain(i)
      expect(b.fields.Amount__c).toBe(String(i * 2))
      if (ids.has(i)) {
        expect(b.id).toBe(ids.get(i))
        expect(b.error).toMatchObject({
          code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          fields: ['Status__c'],
        })
      } else {
        expect(b.error.code).toMatch(/^(ENTITY_IS_DELETED|INVALID_CROSS_REFERENCE_KEY|NOT_FOUND)$/)
      }
    }
    expect(ok).toHaveLength(N - expectedBad.length)
    const org = invoices()
    for (const s of ok) {
      const i = byId.get(s.id) as number
      expect(s.fields.Id).toBe(s.id)
      expect(Number(org.get(s.id)?.Amount__c)).toBe(i * 2)
    }
  })

  it('upsert by external id: created tells new from existing; rows without the key fail', async () => {
    // Rows 0..4999 match invoices inserted above; 5000..9999 are new (U-); every 1000th has
    // no Number__c, and a few have a bad amount.
    const records = Array.from({ length: N }, (_, i) => ({
      Number__c: i % 1000 === 999 ? '' : i < 5000 ? number(i) : `U-${String(i).padStart(5, '0')}`,
      Amount__c: i % 1000 === 250 ? 'ten' : '7.00',
    }))
    const r = await client.data.bulk.ingest(
      { object: 'Invoice__c', operation: 'upsert', externalIdFieldName: 'Number__c', poll },
      records,
    )
    const { ok, bad } = await results(r)
    const missingKey = records.filter((rec) => rec.Number__c === '')
    const badAmountRows = records.filter((rec) => rec.Amount__c === 'ten')
    expect(bad).toHaveLength(missingKey.length + badAmountRows.length)
    expect(bad.filter((b) => b.fields.Number__c === '').map((b) => b.error.code)).toEqual(
      missingKey.map(() => 'MISSING_ARGUMENT'),
    )
    expect(
      bad
        .filter((b) => b.fields.Number__c !== '')
        .map((b) => [b.fields.Number__c, b.error.code])
        .sort(),
    ).toEqual(badAmountRows.map((rec) => [rec.Number__c, 'INVALID_TYPE_ON_FIELD_IN_RECORD']).sort())
    expect(ok).toHaveLength(N - bad.length)
    const org = invoices()
    for (const s of ok) {
      const i = indexOf(s.fields.Number__c)
      // An existing invoice is updated in place (created false), unless the insert refused its row.
      const existed = i < 5000 && ids.has(i)
      expect(s.created).toBe(!existed)
      if (existed) expect(s.id).toBe(ids.get(i))
      expect(org.get(s.id)?.Number__c).toBe(s.fields.Number__c)
      expect(Number(org.get(s.id)?.Amount__c)).toBe(7)
    }
  })

  it('delete and hardDelete: unknown ids fail on their own rows, the rest are removed', async () => {
    const live = [...invoices().values()].filter((r) => !r.IsDeleted).map((r) => String(r.Id))
    expect(live.length).toBeGreaterThan(N + 5000 - 100)
    const soft = live.slice(0, N - 10)
    const hard = live.slice(N - 10)
    const rows = (list: string[], bogus: number) => [
      ...list.map((Id) => ({ Id })),
      ...Array.from({ length: bogus }, (_, k) => ({ Id: unknownId(90_000 + k) })),
    ]

    const del = await client.data.bulk.ingest(
      { object: 'Invoice__c', operation: 'delete', poll },
      rows(soft, 10),
    )
    const d = await results(del)
    expect(d.ok.map((s) => s.id).sort()).toEqual([...soft].sort())
    expect(d.bad.map((b) => b.fields.Id).sort()).toEqual(rows([], 10).map((r) => r.Id))
    expect(new Set(d.bad.map((b) => b.error.code)).size).toBe(1)

    const hd = await client.data.bulk.ingest(
      { object: 'Invoice__c', operation: 'hardDelete', poll },
      rows(hard, 5),
    )
    const h = await results(hd)
    expect(hd.recordsUploaded).toBe(hard.length + 5)
    expect(h.ok.map((s) => s.id).sort()).toEqual([...hard].sort())
    expect(h.bad.map((b) => b.fields.Id).sort()).toEqual(rows([], 5).map((r) => r.Id))
    const org = invoices()
    // Deleted rows stay (in the recycle bin, IsDeleted); hard-deleted ones are gone.
    for (const id of soft) expect(org.get(id)?.IsDeleted).toBe(true)
    for (const id of hard) expect(org.has(id)).toBe(false)
  })
})
