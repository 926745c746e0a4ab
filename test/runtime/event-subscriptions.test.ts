// Event services in a runtime against the emulator's Pub/Sub server, on each store dialect
// (SQLite, PostgreSQL): Account creates made through REST reach the service; a failing handler
// is retried, then its batch parked as a dead letter while the stream goes on; gap and overflow
// events reach onGap; a refused replay id follows each onExpiredReplay policy; two runtimes on
// one store: one consumer; a session expiring mid-stream costs one login and no event.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultOrg, startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import {
  createLogger,
  createRuntime,
  defineService,
  type EventBinding,
  type Runtime,
} from '../../src/runtime/index.js'
import {
  createClient,
  type PubSubEvent,
  type SalesforceClient,
} from '../../src/salesforce/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { storeDialects, type StoreDialect } from '../fixtures/store-dialects.js'
import { waitUntil } from './fixtures/server-process.js'

const TOPIC = '/data/AccountChangeEvent'
const dialects = storeDialects('event-subscriptions')
const dir = mkdtempSync(join(tmpdir(), 'fb-events-'))
/** The dialect of the block running now. */
let dialect: StoreDialect
const log = createLogger({ level: 'silent' })
let emu: EmulatorHandle
let store: Store
let runtime: Runtime
let client: SalesforceClient

const auth = {
  flow: 'password' as const,
  username: 'my.user@example.com',
  password: 'my.password',
  securityToken: 'DemoSecurityToken01',
  clientId: '3MVG9forcebridge.demo.consumer.key',
  clientSecret: 'forcebridge-demo-consumer-secret',
}

async function openRuntime(on: Store): Promise<Runtime> {
  return createRuntime({
    store: on,
    log,
    watch: false,
    async: { concurrency: 0, scheduler: false },
    pubsubEndpoint: emu.pubsubEndpoint,
    events: { leaseMs: 1000 },
  })
}

const nameOf = (e: PubSubEvent) => (typeof e.payload.Name === 'string' ? e.payload.Name : '')

async function createAccounts(prefix: string, n: number): Promise<string[]> {
  const names: string[] = []
  for (let i = 0; i < n; i++) {
    const name = `${prefix}-${i}`
    await client.sobject('Account').create({ Name: name })
    names.push(name)
  }
  return names
}

function binding(extra: Partial<EventBinding> = {}): EventBinding {
  return { connection: 'crm', topic: TOPIC, replay: 'earliest', retryDelayMs: 5, ...extra }
}

const subscription = (service: string) => store.subscriptions.find(service)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.each(dialects)('event services on $name', (current) => {
  beforeAll(() => {
    dialect = current
  })
  beforeAll(async () => {
    emu = await startEmulator({
      org: { ...defaultOrg, events: { changeDataCapture: ['Account'] } },
      // Past 3 changes of one entity in one transaction, a GAP_OVERFLOW stands for the rest.
      pubsub: { overflowThreshold: 3 },
    })
    store = await openStore({ home: join(dir, `home-${dialect.name}`), ...dialect.options() })
    await store.connections.add({
      name: 'crm',
      loginUrl: emu.url,
      authFlow: 'password',
      username: auth.username,
      password: auth.password,
      securityToken: auth.securityToken,
      clientId: auth.clientId,
      clientSecret: auth.clientSecret,
    })
    runtime = await openRuntime(store)
    client = createClient({ loginUrl: emu.url, auth })
  })

  afterAll(async () => {
    await runtime?.close()
    await client?.close()
    await store?.close()
    await emu?.close()
  })

  describe('an event service', () => {
    it('sees every Account created through REST, in order, and stores its position', async () => {
      const seen: string[] = []
      runtime.registry.register(
        defineService({
          name: 'accounts.created',
          events: binding({ batchSize: 10 }),
          handle({ input }) {
            for (const e of input.events) {
              expect(e.kind).toBe('change')
              if (e.change?.changeType === 'CREATE' && nameOf(e).startsWith('A-'))
                seen.push(nameOf(e))
            }
          },
        }),
      )
      const names = await createAccounts('A', 25)
      await waitUntil(() => Promise.resolve(seen.length >= 25), 'the 25 creates', { ms: 20_000 })
      expect(seen).toEqual(names)
      await waitUntil(
        async () => ((await subscription('accounts.created'))?.eventsHandled ?? 0) >= 25,
        'the stored count',
        { ms: 10_000 },
      )
      const row = (await subscription('accounts.created'))!
      expect(row.state).toBe('active')
      expect(row.position).toMatch(/^[A-Za-z0-9+/]+=*$/)
      expect(row.orgId).toMatch(/^00D/)
      expect(row.leaseOwner).toContain(String(process.pid))
    })

    it('retries a failing handler with backoff, then succeeds', async () => {
      let calls = 0
      const seen: string[] = []
      runtime.registry.register(
        defineService({
          name: 'accounts.flaky',
          events: binding({ batchSize: 100, maxAttempts: 5 }),
          handle({ input }) {
            const mine = input.events.filter((e) => nameOf(e).startsWith('F-'))
            if (mine.length === 0) return
            if (++calls <= 3) throw new Error(`flaky ${calls}`)
            seen.push(...mine.map(nameOf))
          },
        }),
      )
      await createAccounts('F', 1)
      await waitUntil(() => Promise.resolve(seen.length === 1), 'the flaky handler to succeed', {
        ms: 20_000,
      })
      expect(calls).toBe(4)
      const row = (await subscription('accounts.flaky'))!
      expect(row.deadLetters).toBe(0)
      await waitUntil(
        async () => (await subscription('accounts.flaky'))!.lastError === null,
        'error cleared',
      )
    })

    it('parks a batch that always fails as a dead letter and goes on', async () => {
      const seen: string[] = []
      let cured = false
      runtime.registry.register(
        defineService({
          name: 'accounts.poisoned',
          events: binding({ batchSize: 1, maxAttempts: 3 }),
          handle({ input }) {
            for (const e of input.events) {
              if (nameOf(e) === 'P-poison' && !cured) throw new Error('cannot handle the poison')
              if (nameOf(e).startsWith('P-')) seen.push(nameOf(e))
            }
          },
        }),
      )
      await client.sobject('Account').create({ Name: 'P-poison' })
      await createAccounts('P', 3)
      await waitUntil(() => Promise.resolve(seen.length === 3), 'the events after the poison', {
        ms: 20_000,
      })
      const letters = await store.deadLetters.list('accounts.poisoned')
      expect(letters).toHaveLength(1)
      expect(letters[0]).toMatchObject({ state: 'parked', attempts: 3, eventCount: 1 })
      expect(letters[0]!.error).toContain('cannot handle the poison')
      expect(letters[0]!.events).toContain('P-poison')
      expect((await subscription('accounts.poisoned'))!.deadLetters).toBe(1)
      // An operator retries it once the handler is fixed (`forcebridge subscription retry`).
      cured = true
      const id = letters[0]!.id
      expect(await store.deadLetters.move(id, 'parked', 'retry', Date.now())).toBe(true)
      await waitUntil(
        async () => (await store.deadLetters.find(id))?.state === 'resolved',
        'the retried dead letter',
      )
      expect(seen).toContain('P-poison')
    })

    it('keeps 64-bit numbers and replay id bytes in a dead letter', async () => {
      const { eventsFromJson, eventsToJson } = await import('../../src/runtime/events/index.js')
      const sample = { replayId: Buffer.from([1, 2, 3]), payload: { n: 2n ** 60n } }
      const back = eventsFromJson(eventsToJson([sample as unknown as PubSubEvent]))[0]!
      expect(back.replayId).toEqual(Buffer.from([1, 2, 3]))
      expect(back.payload.n).toBe(2n ** 60n)
    })
  })

  describe('gap and overflow events', () => {
    it('reach onGap (gap events named by record, an overflow for a big transaction); the rest reach handle', async () => {
      const gaps: { type: string; ids: string[] }[] = []
      const handled: string[] = []
      runtime.registry.register(
        defineService({
          name: 'accounts.reconciled',
          events: binding({
            replay: 'latest',
            onGap({ events, salesforce }) {
              expect(typeof salesforce('crm').get).toBe('function')
              for (const e of events)
                gaps.push({ type: e.change!.changeType, ids: e.change!.recordIds })
            },
          }),
          handle({ input }) {
            handled.push(...input.events.map(nameOf).filter((n) => /^[GO]-/.test(n)))
          },
        }),
      )
      // The stream is open once a first change reaches the service.
      let poked = 0
      await waitUntil(
        async () => {
          await client.sobject('Account').create({ Name: `G-poke-${poked++}` })
          return handled.length > 0
        },
        'the stream to open',
        { ms: 20_000, everyMs: 300 },
      )
      emu.faults.set({ pubsub: { gapChanges: 2 } })
      const gapIds: string[] = []
      try {
        for (const name of ['G-gap-0', 'G-gap-1'])
          gapIds.push((await client.sobject('Account').create({ Name: name })).id)
      } finally {
        emu.faults.clear()
      }
      await client.sobject('Account').create({ Name: 'G-after' })
      // Five Accounts in one transaction: three change events, then one GAP_OVERFLOW.
      await client.post('/composite/sobjects', {
        allOrNone: true,
        records: Array.from({ length: 5 }, (_, i) => ({
          attributes: { type: 'Account' },
          Name: `O-${i}`,
        })),
      })
      await waitUntil(
        () => Promise.resolve(gaps.length >= 3 && handled.includes('O-2')),
        'the gap, the overflow and the rest',
        { ms: 20_000 },
      )
      expect(gaps).toEqual([
        { type: 'GAP_CREATE', ids: [gapIds[0]] },
        { type: 'GAP_CREATE', ids: [gapIds[1]] },
        { type: 'GAP_OVERFLOW', ids: [] },
      ])
      expect(handled).toContain('G-after')
      expect(handled).not.toContain('G-gap-0')
      expect(handled.filter((n) => n.startsWith('O-'))).toEqual(['O-0', 'O-1', 'O-2'])
    })

    it('a throwing onGap counts as a failed attempt: the batch is retried, then handled', async () => {
      let calls = 0
      const reconciled: string[] = []
      runtime.registry.register(
        defineService({
          name: 'accounts.gap-retried',
          events: binding({
            replay: 'latest',
            batchSize: 1,
            maxAttempts: 5,
            onGap({ events }) {
              if (++calls < 3) throw new Error(`reconcile failed ${calls}`)
              reconciled.push(...events.flatMap((e) => e.change!.recordIds))
            },
          }),
          handle() {},
        }),
      )
      await waitUntil(
        async () => (await subscription('accounts.gap-retried'))?.leaseOwner != null,
        'the lease',
      )
      // Gap events keep coming until the service's stream sees one (it may open after the first).
      emu.faults.set({ pubsub: { gapChanges: 1000 } })
      try {
        await waitUntil(
          async () => {
            await client.sobject('Account').create({ Name: 'R-gap' })
            return reconciled.length > 0
          },
          'the reconciled gap',
          { ms: 20_000, everyMs: 300 },
        )
      } finally {
        emu.faults.clear()
      }
      expect(calls).toBe(3)
      expect(reconciled[0]).toMatch(/^001/)
      expect((await subscription('accounts.gap-retried'))!.deadLetters).toBe(0)
    })
  })

  describe('a refused stored replay id', () => {
    async function withBadPosition(service: string): Promise<void> {
      await store.subscriptions.ensure({ service, connection: 'crm', topic: TOPIC }, Date.now())
      // Bytes the emulator never issued: refused as Salesforce refuses a corrupted replay id.
      await store.subscriptions.setPosition(
        service,
        Buffer.from('not a replay id').toString('base64'),
        Date.now(),
      )
    }

    it('fail: the subscription stops as failed, with why', async () => {
      await withBadPosition('replay.fail')
      runtime.registry.register(
        defineService({
          name: 'replay.fail',
          events: binding({ onExpiredReplay: 'fail' }),
          handle() {},
        }),
      )
      await waitUntil(async () => (await subscription('replay.fail'))?.state === 'failed', 'failed')
      expect((await subscription('replay.fail'))!.lastError).toMatch(/replay id refused/)
    })

    it('earliest: starts from the oldest retained event', async () => {
      await withBadPosition('replay.earliest')
      const seen: string[] = []
      runtime.registry.register(
        defineService({
          name: 'replay.earliest',
          events: binding({ onExpiredReplay: 'earliest', replay: 'latest' }),
          handle({ input }) {
            seen.push(...input.events.map(nameOf))
          },
        }),
      )
      // A-0 was created before this service existed: only a start from earliest sees it.
      await waitUntil(() => Promise.resolve(seen.includes('A-0')), 'the oldest events', {
        ms: 20_000,
      })
      const row = (await subscription('replay.earliest'))!
      expect(row.state).toBe('active')
    })

    it('latest: skips what is retained and sees what comes next', async () => {
      await withBadPosition('replay.latest')
      const seen: string[] = []
      runtime.registry.register(
        defineService({
          name: 'replay.latest',
          events: binding({ onExpiredReplay: 'latest' }),
          handle({ input }) {
            seen.push(...input.events.map(nameOf))
          },
        }),
      )
      await waitUntil(
        async () =>
          (await subscription('replay.latest'))?.lastError?.includes('resumed from latest') ===
          true,
        'the policy applied',
      )
      // The stream is open once the refusal is handled; give the new subscribe a moment to land.
      let created = 0
      await waitUntil(
        async () => {
          await client.sobject('Account').create({ Name: `L-${created++}` })
          return seen.some((n) => n.startsWith('L-'))
        },
        'a new event',
        { ms: 20_000, everyMs: 300 },
      )
      expect(seen).not.toContain('A-0')
    })
  })

  describe('two runtimes on one store', () => {
    it('only one consumes; the other takes over when the first stops', async () => {
      const other = await openStore({
        home: join(dir, `home-${dialect.name}`),
        ...dialect.options(),
      })
      const second = await openRuntime(other)
      const byRuntime = { first: [] as string[], second: [] as string[] }
      const service = (into: string[]) =>
        defineService({
          name: 'accounts.shared',
          events: binding({ batchSize: 5 }),
          handle({ input }) {
            into.push(...input.events.map(nameOf).filter((n) => /^S2?-/.test(n)))
          },
        })
      runtime.registry.register(service(byRuntime.first))
      second.registry.register(service(byRuntime.second))
      const names = await createAccounts('S', 10)
      await waitUntil(
        () => Promise.resolve(byRuntime.first.length + byRuntime.second.length >= 10),
        'the shared events',
        { ms: 20_000 },
      )
      const firstConsumed = byRuntime.first.length > 0
      expect(firstConsumed ? byRuntime.second : byRuntime.first).toEqual([])
      expect(firstConsumed ? byRuntime.first : byRuntime.second).toEqual(names)
      // The consumer goes (a clean stop lets the lease go): the other one takes over.
      const gone = firstConsumed ? runtime.subscriptions! : second.subscriptions!
      const fenceBefore = (await subscription('accounts.shared'))!.fence
      await gone.close()
      const later = await createAccounts('S2', 3)
      const staysInto = firstConsumed ? byRuntime.second : byRuntime.first
      await waitUntil(
        () => Promise.resolve(later.every((n) => staysInto.includes(n))),
        'the other runtime to take over',
        { ms: 20_000 },
      )
      expect((await subscription('accounts.shared'))!.fence).toBeGreaterThan(fenceBefore)
      expect(staysInto.filter((n) => n.startsWith('S-'))).toEqual([])
      await second.close()
      await other.close()
    })
  })

  describe('a session expiring mid-stream', () => {
    it('costs the runtime one login and no event', async () => {
      // A runtime of its own, with this one service: no other stream shares the faults.
      await runtime.close()
      runtime = await openRuntime(store)
      const seen: string[] = []
      runtime.registry.register(
        defineService({
          name: 'accounts.session',
          events: binding({ replay: 'latest', batchSize: 2 }),
          handle({ input }) {
            seen.push(...input.events.map(nameOf).filter((n) => n.startsWith('E-')))
          },
        }),
      )
      // Changes made in the org directly (no API session of its own to renew).
      const userId = (await client.token()).id.split('/').at(-1)!
      const create = (name: string) => emu.org.create('Account', { Name: name }, { userId })
      let poked = 0
      await waitUntil(
        () => {
          create(`E-poke-${poked++}`)
          return Promise.resolve(seen.length > 0)
        },
        'the stream to open',
        { ms: 20_000, everyMs: 300 },
      )
      await waitUntil(() => Promise.resolve(seen.includes(`E-poke-${poked - 1}`)), 'the last poke')
      const logins = () => emu.stats().logins[auth.username] ?? 0
      const before = logins()
      // The second event sent expires every session; the fourth ends the stream, whose
      // reconnect is refused for its token: one new login, then the stream resumes.
      emu.faults.set({ pubsub: { expireSessionsAfterEvents: 2, dropStreamAfterEvents: 4 } })
      const names = Array.from({ length: 8 }, (_, i) => `E-${i}`)
      try {
        for (const name of names) create(name)
        await waitUntil(
          () => Promise.resolve(names.every((n) => seen.includes(n))),
          'every event after the expiry',
          { ms: 20_000 },
        )
      } finally {
        emu.faults.clear()
      }
      expect(logins() - before).toBe(1)
      const mine = seen.filter((n) => names.includes(n))
      expect(mine).toEqual(names)
    })
  })
})
