// The subscription repository's compare-and-set statements on SQLite and PostgreSQL alike: one
// lease holder at a time, a takeover only after expiry, the fence moving on every takeover, and
// a stale holder's writes changing nothing.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseSchema } from '../../src/store/database-schema.js'
import { subscriptionMigrations } from '../../src/store/subscription-migrations.js'
import {
  DeadLetterRepository,
  openStore,
  SubscriptionRepository,
  type Store,
} from '../../src/store/index.js'

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const dbName = `fb_subs_${randomBytes(4).toString('hex')}`
const dir = mkdtempSync(join(tmpdir(), 'fb-subs-repo-'))
let store: Store
let pgDb: Kysely<DatabaseSchema>
const repos: Record<string, () => SubscriptionRepository> = {
  sqlite: () => store.subscriptions,
  postgres: () => new SubscriptionRepository(pgDb),
}
const letterRepos: Record<string, () => DeadLetterRepository> = {
  sqlite: () => store.deadLetters,
  postgres: () => new DeadLetterRepository(pgDb),
}

beforeAll(async () => {
  store = await openStore({ home: join(dir, 'home') })
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${dbName}`)
  await admin.end()
  pgDb = new Kysely<DatabaseSchema>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({
        connectionString: `postgres://postgres@127.0.0.1:5432/${dbName}`,
        max: 2,
      }),
    }),
  })
  for (const migration of Object.values(subscriptionMigrations)) await migration.up(pgDb)
})

afterAll(async () => {
  await store?.close()
  await pgDb?.destroy()
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`)
  await admin.end()
  rmSync(dir, { recursive: true, force: true })
})

describe.each(Object.keys(repos))('on %s', (dialect) => {
  const binding = { service: 'orders.follow', connection: 'crm', topic: '/data/OrderChangeEvent' }

  it('grants one lease at a time and a takeover only after expiry, the fence moving on', async () => {
    const repo = repos[dialect]!()
    const created = await repo.ensure(binding, 1000)
    expect(created).toMatchObject({ state: 'active', position: null, fence: 0, eventsHandled: 0 })
    const a = await repo.acquire(binding.service, 'a', 1000, 500)
    expect(a).toBe(1)
    expect(await repo.acquire(binding.service, 'b', 1200, 500)).toBeUndefined()
    expect(await repo.renew(binding.service, a!, 1400, 500)).toBe(true)
    expect(await repo.acquire(binding.service, 'b', 1800, 500)).toBeUndefined()
    // a stops renewing; after its lease (1900) b takes over.
    const b = await repo.acquire(binding.service, 'b', 1901, 500)
    expect(b).toBe(2)
    expect(await repo.renew(binding.service, a!, 1950, 500)).toBe(false)
    const stale = await repo.saveBatch(
      binding.service,
      a!,
      { position: 'AAAA', orgId: '00Dx', events: 5 },
      1960,
    )
    expect(stale).toBe(false)
    expect(
      await repo.saveBatch(
        binding.service,
        b!,
        { position: 'AAAB', orgId: '00Dx', events: 5, lastEventAt: 1500 },
        1970,
      ),
    ).toBe(true)
    const row = (await repo.find(binding.service))!
    expect(row).toMatchObject({
      position: 'AAAB',
      orgId: '00Dx',
      eventsHandled: 5,
      batchesHandled: 1,
      fence: 2,
      leaseOwner: 'b',
      lastEventAt: 1500,
    })
    await repo.release(binding.service, b!, 2000)
    expect(await repo.acquire(binding.service, 'c', 2001, 500)).toBe(3)
  })

  it('pause, reset and a new topic move the fence; a paused subscription grants no lease', async () => {
    const repo = repos[dialect]!()
    const fence = (await repo.find(binding.service))!.fence
    expect(await repo.setState(binding.service, 'paused', 3000)).toBe(true)
    expect(await repo.setState(binding.service, 'paused', 3001)).toBe(false)
    expect(await repo.acquire(binding.service, 'c', 3002, 500)).toBeUndefined()
    expect(await repo.renew(binding.service, fence, 3003, 500)).toBe(false)
    expect(await repo.setState(binding.service, 'active', 3004)).toBe(true)
    expect(await repo.setPosition(binding.service, '@earliest', 3005)).toBe(true)
    const reset = (await repo.find(binding.service))!
    expect(reset).toMatchObject({ position: '@earliest', leaseOwner: null, state: 'active' })
    const moved = await repo.ensure({ ...binding, topic: '/data/ChangeEvents' }, 3006)
    expect(moved.position).toBeNull()
    expect(moved.fence).toBeGreaterThan(reset.fence)
    expect((await repo.list()).map((s) => s.service)).toEqual([binding.service])
  })

  it('keeps dead letters and moves them only from the expected state', async () => {
    const repo = letterRepos[dialect]!()
    await repo.add(
      {
        id: `dl-${dialect}`,
        service: binding.service,
        topic: binding.topic,
        events: '[]',
        eventCount: 1,
        firstReplayId: 'AAAA',
        lastReplayId: 'AAAA',
        error: 'boom',
        attempts: 3,
        state: 'parked',
      },
      4000,
    )
    expect(await repo.move(`dl-${dialect}`, 'parked', 'retry', 4001)).toBe(true)
    expect(await repo.move(`dl-${dialect}`, 'parked', 'retry', 4002)).toBe(false)
    expect(await repo.list(binding.service, 'retry')).toHaveLength(1)
    expect((await repo.find(`dl-${dialect}`))!).toMatchObject({
      attempts: 3,
      createdAt: 4000,
    })
  })
})
