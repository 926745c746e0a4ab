// The Bulk, Collections and composite helpers through the real client (createClient: login,
// pipeline, retries) against the emulator, each result checked in the org: result i is record i.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { createClient, soql, type SalesforceClient } from '../../src/salesforce/index.js'

let emu: EmulatorHandle
let client: SalesforceClient
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
})
afterAll(async () => {
  await client.close()
  await emu.close()
})

interface Invoice {
  Number__c: string
  Status__c: string
}

/** Number__c of each id, queried back through the client. */
async function numbersOf(ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for await (const row of client.query<{ Id: string; Number__c: string }>(
    soql`SELECT Id, Number__c FROM Invoice__c WHERE Id IN ${ids}`,
  ))
    out.set(row.Id, row.Number__c)
  return out
}

/** How many Bulk API 2.0 ingest jobs the org lists. */
async function ingestJobs(): Promise<number> {
  return (await client.get<{ records: unknown[] }>('jobs/ingest')).records.length
}

describe('insertMany through the real client', () => {
  for (const [path, bulkThreshold] of [
    ['Bulk API 2.0', 10],
    ['sObject Collections', 1000],
  ] as const) {
    it(`${path}: result i is record i, failures on the bad rows only`, async () => {
      const bad = (i: number) => i % 6 === 4
      const records: Invoice[] = Array.from({ length: 30 }, (_, i) => ({
        Number__c: `${path.slice(0, 4)}-${i}`,
        Status__c: bad(i) ? 'Lost' : 'Draft',
      }))
      const jobsBefore = await ingestJobs()
      const results = await client.data
        .sobject<Invoice>('Invoice__c')
        .insertMany(records, { bulkThreshold, poll })
      expect(results).toHaveLength(30)
      expect(results.flatMap((r, i) => (r.success ? [] : [i]))).toEqual(
        records.flatMap((_, i) => (bad(i) ? [i] : [])),
      )
      const ids = results.flatMap((r) => (r.success && r.id ? [r.id] : []))
      const numbers = await numbersOf(ids)
      results.forEach((r, i) => {
        if (r.success) expect(numbers.get(r.id!)).toBe(records[i]!.Number__c)
        else expect(r.errors[0]?.code).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST')
      })
      // The path asked for was the path taken: one ingest job for Bulk, none for Collections.
      expect((await ingestJobs()) - jobsBefore).toBe(bulkThreshold === 10 ? 1 : 0)
    })
  }
})

describe('Collections and composite through the real client', () => {
  it('collections create, update, retrieve and delete, checked in the org', async () => {
    const { collections } = client.data
    const created = await collections.create('Account', [
      { Name: 'Coll A' },
      { Name: 'Coll B' },
      { Name: '' },
    ])
    expect(created.map((r) => r.success)).toEqual([true, true, false])
    const [a, b] = created.map((r) => (r.success ? r.id : ''))
    expect(emu.org.getRow('Account', a!)?.Name).toBe('Coll A')
    expect(emu.org.getRow('Account', b!)?.Name).toBe('Coll B')
    const edit: { Id: string; Name: string } = { Id: b!, Name: 'Coll B2' }
    await collections.update('Account', [edit])
    const rows = await collections.retrieve<{ Id: string; Name: string }>(
      'Account',
      [a!, b!],
      ['Name'],
    )
    expect(rows.map((r) => r?.Name)).toEqual(['Coll A', 'Coll B2'])
    const removed = await collections.delete([a!])
    expect(removed[0]?.success).toBe(true)
    expect(emu.org.getRow('Account', a!)?.IsDeleted ?? true).toBe(true)
  })

  it('composite creates an account and a contact referring to it in one call', async () => {
    const result = await client.data.composite({
      allOrNone: true,
      requests: [
        { method: 'POST', url: 'sobjects/Account', referenceId: 'acct', body: { Name: 'Comp Co' } },
        {
          method: 'POST',
          url: 'sobjects/Contact',
          referenceId: 'ctc',
          body: { LastName: 'Comp', AccountId: '@{acct.id}' },
        },
      ],
    })
    expect(result.ok).toBe(true)
    const accountId = (result.byReferenceId.acct?.body as { id: string }).id
    const contactId = (result.byReferenceId.ctc?.body as { id: string }).id
    expect(emu.org.getRow('Account', accountId)?.Name).toBe('Comp Co')
    expect(emu.org.getRow('Contact', contactId)).toMatchObject({
      LastName: 'Comp',
      AccountId: accountId,
    })
  })

  it('compositeTree and compositeBatch reach the org too', async () => {
    const tree = await client.data.compositeTree('Account', [
      {
        attributes: { type: 'Account', referenceId: 'a1' },
        Name: 'Tree Co',
        Contacts: {
          records: [{ attributes: { type: 'Contact', referenceId: 'c1' }, LastName: 'Leaf' }],
        },
      },
    ])
    const ids = Object.fromEntries(tree.results.map((r) => [r.referenceId, r.id]))
    expect(emu.org.getRow('Contact', ids.c1!)?.AccountId).toBe(ids.a1)
    const batch = await client.data.compositeBatch({
      requests: [
        {
          method: 'PATCH',
          url: `sobjects/Account/${ids.a1!}`,
          richInput: { Name: 'Tree Co 2' },
        },
        { method: 'GET', url: `sobjects/Account/${ids.a1!}?fields=Name` },
      ],
    })
    expect(batch.hasErrors).toBe(false)
    expect(emu.org.getRow('Account', ids.a1!)?.Name).toBe('Tree Co 2')
  })
})
