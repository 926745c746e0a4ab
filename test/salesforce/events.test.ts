// client.events against the emulator's Pub/Sub server over real gRPC: change events decoded with
// exact 64-bit numbers and expanded bitmaps, platform events in and out, flow control, replay
// ids, and a stream that survives drops, UNAVAILABLE and an expired session without losing or
// repeating an event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultOrg, startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import {
  createClient,
  type PubSubEvent,
  type SalesforceClient,
} from '../../src/salesforce/index.js'
import { SchemaCache } from '../../src/salesforce/events/avro-codec.js'

const ORDER = '/event/Order_Placed__e'
let emu: EmulatorHandle
let client: SalesforceClient

const logins = () => emu.stats().logins['my.user@example.com'] ?? 0

beforeAll(async () => {
  emu = await startEmulator({
    org: {
      ...defaultOrg,
      events: {
        changeDataCapture: ['Account'],
        platformEvents: [
          {
            name: 'Order_Placed__e',
            fields: [
              { name: 'Order_Number__c', type: 'text', required: true },
              { name: 'Amount__c', type: 'number' },
            ],
          },
        ],
      },
    },
    pubsub: { overflowThreshold: 3, keepaliveMs: 500 },
  })
  client = createClient({
    loginUrl: emu.url,
    pubsubEndpoint: emu.pubsubEndpoint,
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

/** Takes `n` events from a subscription (then stops iterating, which closes it). */
async function take(
  sub: AsyncIterable<PubSubEvent>,
  n: number,
  each?: (e: PubSubEvent) => Promise<void> | void,
) {
  const out: PubSubEvent[] = []
  if (n === 0) return out
  for await (const e of sub) {
    await each?.(e)
    out.push(e)
    if (out.length >= n) break
  }
  return out
}

/** A subscription that is open on the server: its first keepalive or event has come. */
async function opened(
  topic: string,
  options: Parameters<SalesforceClient['events']['subscribe']>[1] = {},
) {
  let open!: () => void
  const ready = new Promise<void>((r) => (open = r))
  const sub = client.events.subscribe(topic, {
    reconnect: { baseDelayMs: 5, maxDelayMs: 50 },
    ...options,
    onStatus: (s) => {
      if (s.state === 'open') open()
      options.onStatus?.(s)
    },
  })
  const first = sub.next()
  await Promise.race([ready, first.then(() => undefined)])
  return { sub, first }
}

const publishRest = (n: number, from = 0) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      client.post('/sobjects/Order_Placed__e', {
        Order_Number__c: `N-${from + i}`,
        Amount__c: from + i,
      }),
    ),
  )

describe('change events', () => {
  it('decodes the header with exact commit numbers and field names', async () => {
    const { sub, first } = await opened('/data/AccountChangeEvent')
    const { id } = await client
      .sobject('Account')
      .create({ Name: 'Events Inc', BillingCity: 'Lyon' })
    await client.sobject('Account').update(id, { Phone: '42', BillingCity: null })
    const created = (await first).value as PubSubEvent
    const [updated] = await take(sub, 1)
    expect(created.kind).toBe('change')
    expect(created.change).toMatchObject({
      entityName: 'Account',
      changeType: 'CREATE',
      recordIds: [id],
    })
    expect(typeof created.change!.commitNumber).toBe('bigint')
    expect(created.change!.commitNumber > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true)
    expect(created.payload.BillingAddress).toMatchObject({ City: 'Lyon' })
    expect(updated!.change!.changeType).toBe('UPDATE')
    expect(updated!.change!.changedFields.sort()).toEqual([
      'BillingAddress.City',
      'LastModifiedDate',
      'Phone',
    ])
    expect(updated!.change!.nulledFields).toEqual(['BillingAddress.City'])
    expect(updated!.change!.commitNumber).toBe(created.change!.commitNumber + 1n)
  })

  it('marks an overflow past the threshold of changes in one transaction', async () => {
    const { sub, first } = await opened('/data/ChangeEvents')
    await client.post('/composite/sobjects', {
      allOrNone: true,
      records: Array.from({ length: 5 }, (_, i) => ({
        attributes: { type: 'Account' },
        Name: `Bulk ${i}`,
      })),
    })
    const events = [(await first).value as PubSubEvent, ...(await take(sub, 3))]
    expect(events.map((e) => e.kind)).toEqual(['change', 'change', 'change', 'overflow'])
    expect(events[3]!.change).toMatchObject({ changeType: 'GAP_OVERFLOW', recordIds: [] })
  })
})

describe('platform events', () => {
  it('arrive from REST and from publish, which answers per event', async () => {
    const { sub, first } = await opened(ORDER)
    await publishRest(1, 1)
    const results = await client.events.publish(ORDER, [
      { Order_Number__c: 'P-2', Amount__c: 2 },
      { Order_Number__c: 42 },
    ])
    expect(results[0]).toMatchObject({ ok: true })
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } })
    const events = [(await first).value as PubSubEvent, ...(await take(sub, 1))]
    expect(events.map((e) => e.payload.Order_Number__c)).toEqual(['N-1', 'P-2'])
    expect(events[1]!.replayId).toEqual((results[0] as { replayId: Buffer }).replayId)
    expect(events[0]!.kind).toBe('event')
  })
})

describe('flow control and replay', () => {
  it('never holds more than batchSize events', async () => {
    const { sub, first } = await opened(ORDER, { batchSize: 5 })
    await publishRest(30, 100)
    let most = 0
    const events = [(await first).value as PubSubEvent]
    events.push(
      ...(await take(sub, 29, async () => {
        most = Math.max(most, sub.buffered)
        await new Promise((r) => setTimeout(r, 2))
      })),
    )
    expect(most).toBeLessThanOrEqual(5)
    expect(new Set(events.map((e) => e.payload.Order_Number__c)).size).toBe(30)
  })

  it('asks for more once half a batch is taken, without waiting for the rest', async () => {
    const { sub, first } = await opened(ORDER, { batchSize: 4 })
    await publishRest(12, 300)
    await first
    // Wait for the rest of the first batch, then take two more: half the batch is free.
    for (let i = 0; i < 200 && sub.buffered < 3; i++) await new Promise((r) => setTimeout(r, 10))
    expect(sub.buffered).toBe(3)
    await sub.next()
    await sub.next()
    // The two taken come back from the server while one event of the batch is still held.
    for (let i = 0; i < 200 && sub.buffered < 3; i++) await new Promise((r) => setTimeout(r, 10))
    expect(sub.buffered).toBe(3)
    sub.close()
  })

  it('resumes after a stored replay id', async () => {
    const { sub, first } = await opened(ORDER)
    await publishRest(3, 200)
    const [a] = [(await first).value as PubSubEvent]
    sub.close()
    const resumed = await take(client.events.subscribe(ORDER, { replay: { after: a.replayId } }), 2)
    expect(resumed.map((e) => e.payload.Order_Number__c).sort()).not.toContain(
      a.payload.Order_Number__c,
    )
    expect(resumed).toHaveLength(2)
  })

  it('refuses an invalid replay id with REPLAY_ID_INVALID', async () => {
    const sub = client.events.subscribe(ORDER, { replay: { after: Buffer.from('nonsense') } })
    await expect(sub.next()).rejects.toMatchObject({ code: 'REPLAY_ID_INVALID' })
  })
})

describe('reconnecting', () => {
  it('a dropped stream resumes with no event lost or repeated', async () => {
    const statuses: string[] = []
    const { sub, first } = await opened(ORDER, {
      batchSize: 3,
      onStatus: (s) => statuses.push(s.state),
    })
    emu.faults.set({ pubsub: { dropStreamAfterEvents: 4, unavailableCalls: 0 } })
    try {
      await publishRest(20, 300)
      const events = [(await first).value as PubSubEvent, ...(await take(sub, 19))]
      const numbers = events.map((e) => e.payload.Order_Number__c as string)
      expect(new Set(numbers).size).toBe(20)
      expect(numbers.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `N-${300 + i}`).sort())
      expect(sub.reconnects).toBeGreaterThanOrEqual(4)
      expect(statuses).toContain('reconnecting')
    } finally {
      emu.faults.clear()
    }
  })

  it('UNAVAILABLE answers are retried with backoff', async () => {
    const { sub, first } = await opened(ORDER)
    emu.faults.set({ pubsub: { dropStreamAfterEvents: 1, unavailableCalls: 3 } })
    try {
      await publishRest(3, 400)
      const events = [(await first).value as PubSubEvent, ...(await take(sub, 2))]
      expect(events.map((e) => e.payload.Order_Number__c).sort()).toEqual([
        'N-400',
        'N-401',
        'N-402',
      ])
    } finally {
      emu.faults.clear()
    }
  })

  it('a session expiring mid-stream costs one login and no event', async () => {
    const { sub, first } = await opened(ORDER)
    const before = logins()
    // The third event expires every session; the fifth drops the stream, whose reconnect is
    // then refused for its token: one new login, and the stream resumes after event five.
    emu.faults.set({ pubsub: { expireSessionsAfterEvents: 3, dropStreamAfterEvents: 5 } })
    try {
      const events = [
        (
          await (async () => {
            await publishRest(8, 500)
            return first
          })()
        ).value as PubSubEvent,
      ]
      events.push(...(await take(sub, 7)))
      const numbers = events.map((e) => e.payload.Order_Number__c as string)
      expect(numbers.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `N-${500 + i}`).sort())
      expect(logins() - before).toBe(1)
    } finally {
      emu.faults.clear()
    }
  })
})

describe('schema cache', () => {
  it('asks for a schema id once, however many events wait for it', async () => {
    let fetches = 0
    const cache = new SchemaCache(async () => {
      fetches++
      await new Promise((r) => setTimeout(r, 10))
      return JSON.stringify({ type: 'record', name: 'E', fields: [{ name: 'n', type: 'long' }] })
    })
    const types = await Promise.all(Array.from({ length: 20 }, () => cache.get('id-1')))
    expect(fetches).toBe(1)
    const value = types[0]!.fromBuffer(types[0]!.toBuffer({ n: 2n ** 60n + 1n })) as { n: bigint }
    expect(value.n).toBe(2n ** 60n + 1n)
  })
})
