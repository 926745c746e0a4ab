// Change Data Capture in the emulator: every create, update, delete and undelete made through
// REST, composite, collections, tree and Bulk API 2.0 arrives over a real gRPC Subscribe with
// Salesforce's header and field bitmaps (decoded here independently of the client library).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type avro from 'avsc'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { apiClient } from './login-helper.js'
import { pubsubOrg } from './pubsub-org.js'
import { rawPubSub } from './pubsub-helper.js'

let emu: EmulatorHandle
let ps: Awaited<ReturnType<typeof rawPubSub>>
let api: ReturnType<typeof apiClient>

interface Header {
  entityName: string
  recordIds: string[]
  changeType: string
  changeOrigin: string
  transactionKey: string
  sequenceNumber: number
  commitTimestamp: bigint
  commitNumber: bigint
  commitUser: string
  nulledFields: string[]
  diffFields: string[]
  changedFields: string[]
}
type Change = Record<string, unknown> & { ChangeEventHeader: Header }

beforeAll(async () => {
  emu = await startEmulator({ org: pubsubOrg })
  ps = await rawPubSub(emu)
  api = apiClient(emu.url, ps.token.access_token)
})
afterAll(async () => {
  ps?.close()
  await emu?.close()
})

/** The Avro type of Account's change events, by the schema id GetTopic names. */
async function accountType(): Promise<avro.Type> {
  const topic = await ps.unary<{ schema_id: string }>('GetTopic', {
    topic_name: '/data/AccountChangeEvent',
  })
  return ps.schemaType(topic.schema_id)
}

/** The field names a bitmap names, decoded from the schema's field order. */
function bitmapNames(type: avro.Type, bitmap: string[]): string[] {
  const fields = (type as avro.types.RecordType).fields
  const names: string[] = []
  for (const [i, entry] of bitmap.entries()) {
    const m = /^(?:(\d+)-)?0x([0-9A-F]+)$/.exec(entry)
    expect(m, `bitmap entry ${entry}`).not.toBeNull()
    expect(m![2]!.length % 2).toBe(0)
    const bits = BigInt(`0x${m![2]}`)
    if (m![1] === undefined) {
      expect(i).toBe(0)
      fields.forEach((f, j) => {
        if ((bits >> BigInt(j)) & 1n) names.push(f.name)
      })
    } else {
      const parent = fields[Number(m![1])]!
      const record = (parent.type as avro.types.UnwrappedUnionType).types.find(
        (t) => t.typeName === 'record',
      ) as avro.types.RecordType
      record.fields.forEach((f, j) => {
        if ((bits >> BigInt(j)) & 1n) names.push(`${parent.name}.${f.name}`)
      })
    }
  }
  return names.sort()
}

/** Subscribe from now on `topic`, run `act`, and collect `n` decoded change events. */
async function changesOf(topic: string, n: number, act: () => Promise<unknown>): Promise<Change[]> {
  const sub = ps.subscribe()
  sub.call.write({ topic_name: topic, replay_preset: 'LATEST', num_requested: 100 })
  // The subscription is in place once a keepalive-free round trip is done: GetTopic after it.
  await ps.unary('GetTopic', { topic_name: topic })
  await new Promise((r) => setTimeout(r, 50))
  await act()
  await sub.until(() => sub.events().length >= n)
  expect(sub.error()).toBeUndefined()
  sub.call.cancel()
  const out: Change[] = []
  for (const e of sub.events())
    out.push((await ps.decode(e.event.schema_id, e.event.payload)) as Change)
  return out
}

describe('change events through REST', () => {
  it('a create carries the header and the non-null fields, addresses nested', async () => {
    const [event] = await changesOf('/data/AccountChangeEvent', 1, () =>
      api('POST', '/sobjects/Account', { Name: 'Acme', BillingCity: 'Paris', Phone: '123' }),
    )
    const h = event!.ChangeEventHeader
    expect(h.entityName).toBe('Account')
    expect(h.changeType).toBe('CREATE')
    expect(h.recordIds).toHaveLength(1)
    expect(h.recordIds[0]).toMatch(/^001/)
    expect(h.sequenceNumber).toBe(1)
    expect(typeof h.commitNumber).toBe('bigint')
    expect(h.commitNumber > 2n ** 53n).toBe(true)
    expect(h.commitUser).toMatch(/^005/)
    expect(h.changedFields).toEqual([])
    expect(event!.Name).toBe('Acme')
    expect(event!.Phone).toBe('123')
    expect(event!.BillingAddress).toMatchObject({ City: 'Paris', Street: null })
    expect(typeof event!.CreatedDate).toBe('bigint')
  })

  it('an update carries what changed, with changed and nulled bitmaps', async () => {
    const created = await api('POST', '/sobjects/Account', {
      Name: 'Bitmaps',
      Website: 'https://example.com',
    })
    const id = (created.body as { id: string }).id
    const events = await changesOf('/data/AccountChangeEvent', 1, () =>
      api('PATCH', `/sobjects/Account/${id}`, { Phone: '555', BillingState: 'CA', Website: null }),
    )
    const e = events[0]!
    const h = e.ChangeEventHeader
    expect(h.changeType).toBe('UPDATE')
    const type = await accountType()
    expect(bitmapNames(type, h.changedFields)).toEqual(
      ['BillingAddress.State', 'LastModifiedDate', 'Phone', 'Website'].sort(),
    )
    expect(bitmapNames(type, h.nulledFields)).toEqual(['Website'])
    expect(h.diffFields).toEqual([])
    expect(e.Phone).toBe('555')
    expect(e.Name).toBeNull()
    expect(e.BillingAddress).toMatchObject({ State: 'CA', City: null })
  })

  it('delete carries the header only; undelete the record again', async () => {
    const id = ((await api('POST', '/sobjects/Account', { Name: 'Gone' })).body as { id: string })
      .id
    const events = await changesOf('/data/ChangeEvents', 2, async () => {
      await api('DELETE', `/sobjects/Account/${id}`)
      emu.org.undelete('Account', id, { userId: ps.token.id.split('/').at(-1)! })
    })
    expect(events.map((e) => e.ChangeEventHeader.changeType)).toEqual(['DELETE', 'UNDELETE'])
    expect(events[0]!.Name).toBeNull()
    expect(events[1]!.Name).toBe('Gone')
    expect(events.every((e) => e.ChangeEventHeader.recordIds[0] === id)).toBe(true)
  })

  it('the gapChanges fault sends the next changes as gap events, header only', async () => {
    emu.faults.set({ pubsub: { gapChanges: 2 } })
    try {
      const events = await changesOf('/data/AccountChangeEvent', 3, async () => {
        for (const name of ['Gap 1', 'Gap 2', 'After'])
          await api('POST', '/sobjects/Account', { Name: name, Phone: '1' })
      })
      expect(events.map((e) => e.ChangeEventHeader.changeType)).toEqual([
        'GAP_CREATE',
        'GAP_CREATE',
        'CREATE',
      ])
      expect(events[0]!.ChangeEventHeader.recordIds[0]).toMatch(/^001/)
      expect(events[0]!.Name).toBeNull()
      expect(events[0]!.Phone).toBeNull()
      expect(events[2]!.Name).toBe('After')
    } finally {
      emu.faults.clear()
    }
  })

  it('a custom object arrives on its own topic and on /data/ChangeEvents', async () => {
    const [e] = await changesOf('/data/Invoice__ChangeEvent', 1, () =>
      api('POST', '/sobjects/Invoice__c', {
        Number__c: 'INV-1',
        Amount__c: 12.5,
        Due_Date__c: '2026-01-31',
      }),
    )
    expect(e!.ChangeEventHeader.entityName).toBe('Invoice__c')
    expect(e!.Amount__c).toBe(12.5)
    expect(e!.Due_Date__c).toBe(BigInt(Date.UTC(2026, 0, 31)))
  })

  it('objects left out of changeDataCapture send nothing', async () => {
    const events = await changesOf('/data/ChangeEvents', 1, async () => {
      await api('POST', '/sobjects/Campaign', { Name: 'no events' })
      await api('POST', '/sobjects/Contact', { LastName: 'Doe', FirstName: 'Jane' })
    })
    expect(events).toHaveLength(1)
    expect(events[0]!.ChangeEventHeader.entityName).toBe('Contact')
    expect(events[0]!.Name).toMatchObject({ FirstName: 'Jane', LastName: 'Doe' })
  })
})

describe('change events through composite, collections, tree and Bulk', () => {
  it('composite allOrNone: one transaction, sequence numbers in order', async () => {
    const events = await changesOf('/data/AccountChangeEvent', 2, () =>
      api('POST', '/composite', {
        allOrNone: true,
        compositeRequest: [
          {
            method: 'POST',
            url: '/services/data/v62.0/sobjects/Account',
            referenceId: 'a',
            body: { Name: 'C1' },
          },
          {
            method: 'PATCH',
            url: '/services/data/v62.0/sobjects/Account/@{a.id}',
            referenceId: 'b',
            body: { Phone: '1' },
          },
        ],
      }),
    )
    const [c, u] = events.map((e) => e.ChangeEventHeader)
    expect([c!.changeType, u!.changeType]).toEqual(['CREATE', 'UPDATE'])
    expect(c!.transactionKey).toBe(u!.transactionKey)
    expect([c!.sequenceNumber, u!.sequenceNumber]).toEqual([1, 2])
    expect(c!.commitNumber).toBe(u!.commitNumber)
  })

  it("sends a transaction's change events together, in one response", async () => {
    const sub = ps.subscribe()
    sub.call.write({
      topic_name: '/data/AccountChangeEvent',
      replay_preset: 'LATEST',
      num_requested: 100,
    })
    await ps.unary('GetTopic', { topic_name: '/data/AccountChangeEvent' })
    await new Promise((r) => setTimeout(r, 50))
    await api('POST', '/composite/sobjects', {
      allOrNone: true,
      records: Array.from({ length: 5 }, (_, i) => ({
        attributes: { type: 'Account' },
        Name: `T${i}`,
      })),
    })
    await sub.until(() => sub.events().length >= 5)
    sub.call.cancel()
    const sent = sub.responses.filter((r) => r.events.length > 0)
    expect(sent.map((r) => r.events.length)).toEqual([5])
    const keys = new Set<string>()
    for (const e of sent[0]!.events)
      keys.add(
        ((await ps.decode(e.event.schema_id, e.event.payload)) as Change).ChangeEventHeader
          .transactionKey,
      )
    expect(keys.size).toBe(1)
  })

  it('collections create, update and delete', async () => {
    const created = await changesOf('/data/AccountChangeEvent', 2, () =>
      api('POST', '/composite/sobjects', {
        allOrNone: false,
        records: [
          { attributes: { type: 'Account' }, Name: 'K1' },
          { attributes: { type: 'Account' }, Name: 'K2' },
        ],
      }),
    )
    const ids = created.map((e) => e.ChangeEventHeader.recordIds[0]!)
    expect(created.map((e) => e.ChangeEventHeader.changeType)).toEqual(['CREATE', 'CREATE'])
    const updated = await changesOf('/data/AccountChangeEvent', 2, () =>
      api('PATCH', '/composite/sobjects', {
        records: ids.map((id) => ({ attributes: { type: 'Account' }, id, Industry: 'Energy' })),
      }),
    )
    expect(updated.map((e) => e.ChangeEventHeader.changeType)).toEqual(['UPDATE', 'UPDATE'])
    expect(updated.map((e) => e.Industry)).toEqual(['Energy', 'Energy'])
    const deleted = await changesOf('/data/AccountChangeEvent', 2, () =>
      api('DELETE', `/composite/sobjects?ids=${ids.join(',')}`),
    )
    expect(deleted.map((e) => e.ChangeEventHeader.changeType)).toEqual(['DELETE', 'DELETE'])
  })

  it('tree: parent and children in one transaction', async () => {
    const events = await changesOf('/data/ChangeEvents', 2, () =>
      api('POST', '/composite/tree/Account', {
        records: [
          {
            attributes: { type: 'Account', referenceId: 'r1' },
            Name: 'Tree',
            Contacts: {
              records: [{ attributes: { type: 'Contact', referenceId: 'c1' }, LastName: 'Leaf' }],
            },
          },
        ],
      }),
    )
    expect(events.map((e) => e.ChangeEventHeader.entityName)).toEqual(['Account', 'Contact'])
    expect(events[0]!.ChangeEventHeader.transactionKey).toBe(
      events[1]!.ChangeEventHeader.transactionKey,
    )
  })

  it('Bulk API 2.0 insert, update, delete and hardDelete', async () => {
    const bulk = async (operation: string, csv: string) => {
      const job = await api('POST', '/jobs/ingest', {
        object: 'Account',
        operation,
        lineEnding: 'LF',
      })
      const id = (job.body as { id: string }).id
      await api('PUT', `/jobs/ingest/${id}/batches`, csv, { 'content-type': 'text/csv' })
      await api('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })
    }
    const inserted = await changesOf('/data/AccountChangeEvent', 3, () =>
      bulk('insert', 'Name,Phone\nB1,1\nB2,2\nB3,3\n'),
    )
    expect(inserted.map((e) => e.ChangeEventHeader.changeType)).toEqual([
      'CREATE',
      'CREATE',
      'CREATE',
    ])
    const ids = inserted.map((e) => e.ChangeEventHeader.recordIds[0]!)
    const updated = await changesOf('/data/AccountChangeEvent', 3, () =>
      bulk('update', `Id,Phone\n${ids.map((id) => `${id},9`).join('\n')}\n`),
    )
    const type = await accountType()
    for (const e of updated) {
      expect(e.ChangeEventHeader.changeType).toBe('UPDATE')
      expect(bitmapNames(type, e.ChangeEventHeader.changedFields)).toEqual([
        'LastModifiedDate',
        'Phone',
      ])
    }
    const deleted = await changesOf('/data/AccountChangeEvent', 2, async () => {
      await bulk('delete', `Id\n${ids[0]}\n`)
      await new Promise((r) => setTimeout(r, 100))
      await bulk('hardDelete', `Id\n${ids[1]}\n`)
    })
    expect(deleted.map((e) => e.ChangeEventHeader.changeType)).toEqual(['DELETE', 'DELETE'])
  })
})
