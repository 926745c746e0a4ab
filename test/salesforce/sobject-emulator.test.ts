// The data helpers through createClient against the emulator: each side checks the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { DataHelpers } from '../../src/salesforce/client-helpers.js'
import { exportRows, type FlatRow } from '../../src/salesforce/bulk/index.js'
import {
  createClient,
  soql,
  type Requester,
  type SalesforceClient,
} from '../../src/salesforce/index.js'

let emu: EmulatorHandle
let client: SalesforceClient
let data: DataHelpers
const poll = { initialDelayMs: 20, maxDelayMs: 100 }

beforeAll(async () => {
  emu = await startEmulator()
  client = createClient({
    loginUrl: emu.url,
    name: 'demo',
    auth: {
      flow: 'password',
      username: 'my.user@example.com',
      password: 'my.password',
      securityToken: 'DemoSecurityToken01',
      clientId: '3MVG9forcebridge.demo.consumer.key',
      clientSecret: 'forcebridge-demo-consumer-secret',
    },
  })
  data = new DataHelpers(client)
})
afterAll(async () => {
  await client.close()
  await emu.close()
})

interface Invoice {
  Name?: string
  Number__c?: string
}

describe('data helpers against the emulator', () => {
  it('creates, reads, upserts by external id, updates and deletes rows', async () => {
    const invoices = data.sobject<Invoice>('Invoice__c')
    const first = await invoices.upsert('Number__c', 'INV-1', { Name: 'First' })
    expect(first.created).toBe(true)
    const again = await invoices.upsert('Number__c', 'INV-1', { Name: 'First, renamed' })
    expect(again).toEqual({ id: first.id, created: false })
    const byExt = await invoices.getByExternalId('Number__c', 'INV-1', { fields: ['Name'] })
    expect(byExt.Name).toBe('First, renamed')
    const accounts = data.sobject<{ Name: string; Industry?: string }>('Account')
    const { id } = await accounts.create({ Name: 'Emu Acme' })
    await accounts.update(id, { Industry: 'Technology' })
    expect(await accounts.get(id, { fields: ['Name', 'Industry'] })).toMatchObject({
      Name: 'Emu Acme',
      Industry: 'Technology',
    })
    const described = await accounts.describe()
    expect(described.fields.some((f) => f.name === 'Industry')).toBe(true)
    await accounts.delete(id)
    await expect(accounts.get(id)).rejects.toMatchObject({ status: 404 })
  })

  it('pages a query with batchSize and collects it, and collections keep input order', async () => {
    const names = Array.from({ length: 450 }, (_, i) => `Paged ${String(i).padStart(3, '0')}`)
    const results = await data.collections.create(
      'Account',
      names.map((Name) => ({ Name })),
    )
    expect(results.every((r) => r.success && r.id)).toBe(true)
    const q = data.query<{ Name: string }>(
      soql`SELECT Name FROM Account WHERE Name LIKE ${'Paged %'} ORDER BY Name`,
      { batchSize: 200 },
    )
    const rows = await q.collect({ max: 450 })
    expect(rows.map((r) => r.Name)).toEqual(names)
    await expect(
      data.query(soql`SELECT Name FROM Account WHERE Name LIKE ${'Paged %'}`).collect({ max: 449 }),
    ).rejects.toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
    })
    const retrieved = await data.collections.retrieve<{ Name: string }>(
      'Account',
      results.slice(0, 3).map((r) => r.id as string),
      ['Name'],
    )
    expect(retrieved.map((r) => r?.Name)).toEqual(names.slice(0, 3))
    const deleted = await data.collections.delete(results.map((r) => r.id as string))
    expect(deleted.every((r) => r.success)).toBe(true)
  })

  it('runs a composite request with a reference', async () => {
    const result = await data.composite({
      allOrNone: true,
      requests: [
        {
          method: 'POST',
          url: 'sobjects/Account',
          referenceId: 'acc',
          body: { Name: 'Composite Co' },
        },
        { method: 'GET', url: 'sobjects/Account/@{acc.id}?fields=Name', referenceId: 'read' },
      ],
    })
    expect(result.ok).toBe(true)
    expect(result.byReferenceId.read?.body).toMatchObject({ Name: 'Composite Co' })
  })

  it('inserts through Bulk above the threshold with results in input order, and exports with a Bulk query', async () => {
    const records = Array.from({ length: 60 }, (_, i) => ({ Name: i === 7 ? '' : `Bulk ${i}` }))
    const results = await data.sobject('Account').insertMany(records, { bulkThreshold: 50, poll })
    expect(results).toHaveLength(60)
    expect(results[7]?.success).toBe(false)
    expect(results[7]?.errors[0]?.code).toBe('REQUIRED_FIELD_MISSING')
    expect(results.filter((r) => r.success)).toHaveLength(59)
    const ids = new Map<string, string>()
    for await (const row of data.bulk.query<{ Id: string; Name: string }>(
      soql`SELECT Id, Name FROM Account WHERE Name LIKE ${'Bulk %'}`,
      { poll, maxRecords: 25 },
    )) {
      ids.set(row.Name, row.Id)
    }
    expect(ids.size).toBe(59)
    results.forEach((r, i) => {
      if (i !== 7) expect(ids.get(`Bulk ${i}`)).toBe(r.id)
    })
  })

  it('splits a large upload into several ingest jobs that all complete', async () => {
    async function* rows() {
      for (let i = 0; i < 300; i++) {
        await Promise.resolve()
        yield { Name: `Split ${i}`, Industry: i % 2 ? 'Tech' : null }
      }
    }
    const result = await data.bulk.ingest(
      { object: 'Account', operation: 'insert', maxBytesPerJob: 1500, poll },
      rows(),
    )
    expect(result.jobs.length).toBeGreaterThan(2)
    expect(result.jobs.every((j) => j.state === 'JobComplete')).toBe(true)
    let ok = 0
    for await (const row of result.successfulResults()) if (row.id) ok++
    expect(ok).toBe(300)
    const q = data.query(soql`SELECT COUNT() FROM Account WHERE Name LIKE ${'Split %'}`)
    await q.collect({ max: 0 })
    expect(q.totalSize).toBe(300)
  })

  it('exports small results through REST and large ones through a Bulk query, as the same flat rows', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `Export ${String(i).padStart(3, '0')}`)
    await data.collections.create(
      'Account',
      names.map((Name, i) => ({ Name, Industry: i % 2 ? 'Tech' : null })),
    )
    const paths: string[] = []
    const recording: Requester = {
      apiVersion: client.apiVersion,
      request: (o) => {
        paths.push(o.path)
        return client.request(o)
      },
    }
    const text = soql`SELECT Id, Name, Industry FROM Account WHERE Name LIKE ${'Export %'} ORDER BY Name`
    const viaRest: FlatRow[] = []
    for await (const row of exportRows(recording, text, { batchSize: 200 })) viaRest.push(row)
    expect(paths.some((p) => p.includes('jobs/query'))).toBe(false)
    const viaBulk: FlatRow[] = []
    for await (const row of exportRows(recording, text, {
      batchSize: 200,
      bulkThreshold: 100,
      poll,
    }))
      viaBulk.push(row)
    expect(paths.some((p) => p.includes('jobs/query'))).toBe(true)
    expect(viaRest).toHaveLength(250)
    expect(viaRest[1]).toEqual({
      Id: expect.any(String) as unknown,
      Name: 'Export 001',
      Industry: 'Tech',
    })
    expect(viaRest[0]?.Industry).toBeNull()
    const byName = (rows: FlatRow[]) =>
      [...rows].sort((a, b) => String(a.Name).localeCompare(String(b.Name)))
    expect(byName(viaBulk)).toEqual(byName(viaRest))
  })
})
