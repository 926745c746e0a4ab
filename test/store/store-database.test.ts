// The store's database: one ordered set of migrations that still opens homes made by older
// code, transactions that commit or roll back every repository's writes together and take
// SQLite's write lock when they begin, and the dialect chosen in one place.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createJobBackend } from '../../src/runtime/queue/index.js'
import { BulkJobStore } from '../../src/runtime/bulk/index.js'
import { createScheduler } from '../../src/runtime/scheduler/index.js'
import { databaseTarget, openStore, type Store } from '../../src/store/index.js'
import { MIGRATION_NAMES } from '../../src/store/migrate-database.js'
import { hasCode } from '../../src/util/index.js'
import { rawRows, withRawDatabase } from './fixtures/raw-database.js'
import { storeDialects, useStoreDialect } from '../fixtures/store-dialects.js'

const dirs: string[] = []
const stores: Store[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function tempHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fb-store-db-'))
  dirs.push(dir)
  return join(dir, 'home')
}

async function open(home = tempHome()): Promise<Store> {
  const store = await openStore({ home })
  stores.push(store)
  return store
}

/** A home as the code before one migration set left it (test/store/fixtures/legacy-home.sql). */
function legacyHome(): string {
  const home = tempHome()
  mkdirSync(home, { recursive: true, mode: 0o700 })
  copyFileSync(new URL('./fixtures/legacy-home.key', import.meta.url), join(home, 'secret.key'))
  const dump = readFileSync(new URL('./fixtures/legacy-home.sql', import.meta.url), 'utf8')
  withRawDatabase(home, (db) => db.exec(dump))
  return home
}

describe('store migrations', () => {
  it('lists its migrations in the order their names sort, the order Kysely runs them in', () => {
    const names = [...MIGRATION_NAMES]
    expect(names).toEqual([...names].sort())
    expect(names.slice(0, 3)).toEqual([
      '0001_connections_channels_security',
      '0002_admin_users_audit',
      '0003_channel_limits_security_kinds',
    ])
  })

  it('records every migration of a new home in one history', async () => {
    const store = await open()
    const history = rawRows(store.home, 'kysely_migration').map((r) => r.name)
    expect(history).toEqual([...MIGRATION_NAMES])
    const tables = rawRows(store.home, 'sqlite_master').map((r) => r.name)
    expect(tables).not.toContain('runtime_migration')
  })

  it("opens a home made by older code, with its data, and takes over the runtime's history", async () => {
    const home = legacyHome()
    const store = await open(home)
    expect(await store.connections.credentials('Legacy Connection')).toMatchObject({
      username: 'legacy@example.com',
      password: 'legacy-password',
      clientSecret: 'legacy-client-secret',
    })
    expect((await store.channels.list()).map((c) => c.path)).toEqual(['/legacy'])
    expect(await store.adminUsers.verify('admin', 'legacy-admin-password')).toBeTruthy()
    expect((await store.audit.list()).map((e) => e.action)).toEqual(['connection.create'])

    const { queue } = createJobBackend(store)
    const jobs = (await queue.list()).jobs
    expect(jobs.map((j) => [j.service, j.state]).sort()).toEqual([
      ['legacy.echo', 'queued'],
      ['legacy.echo', 'succeeded'],
    ])
    const again = await queue.enqueue({ service: 'x', input: null, idempotencyKey: 'legacy:1' })
    expect(again.input).toEqual({ n: 1 })
    const scheduler = createScheduler({ store, enqueue: () => Promise.resolve() })
    expect((await scheduler.list()).map((s) => s.name)).toEqual(['legacy nightly'])
    expect(await new BulkJobStore(store).list()).toMatchObject([
      { object: 'Account', state: 'JobComplete', recordsProcessed: 2 },
    ])

    const history = rawRows(home, 'kysely_migration').map((r) => r.name)
    expect(new Set(history)).toEqual(new Set([...MIGRATION_NAMES]))
    const tables = rawRows(home, 'sqlite_master').map((r) => r.name)
    expect(tables).not.toContain('runtime_migration')
    expect(tables).not.toContain('runtime_migration_lock')
    // And again, now that it is adopted.
    await store.close()
    stores.splice(stores.indexOf(store), 1)
    expect((await (await open(home)).channels.list()).map((c) => c.path)).toEqual(['/legacy'])
  })

  it('refuses a home whose history names a migration it does not know, saying why', async () => {
    const home = tempHome()
    await (await open(home)).close()
    stores.splice(0)
    withRawDatabase(home, (db) =>
      db
        .prepare('insert into kysely_migration (name, timestamp) values (?, ?)')
        .run('2099-01-01-01-from-the-future', new Date().toISOString()),
    )
    const error = await openStore({ home }).catch((e: unknown) => e)
    expect(hasCode(error, 'STORE_SCHEMA_TOO_NEW')).toBe(true)
    expect((error as Error).message).toContain('written by a newer forcebridge')
    expect((error as Error).message).toContain('2099-01-01-01-from-the-future')
  })
})

describe('store transactions', () => {
  it("commits every repository's writes together", async () => {
    const store = await open()
    const { queue } = createJobBackend(store)
    await store.transaction(async (tx) => {
      const { definition } = await tx.security.createApiKey('partner')
      await tx.channels.add({
        method: 'POST',
        path: '/orders',
        service: 'order.create',
        securityDefinitionId: definition.id,
      })
      await queue.within(tx).enqueue({ service: 'order.sync', input: 1 })
      await tx.audit.record({ actor: 'test', action: 'setup', target: 'orders' })
    })
    expect((await store.channels.list()).map((c) => c.path)).toEqual(['/orders'])
    expect((await queue.stats()).queued).toBe(1)
    expect(await store.audit.list()).toHaveLength(1)
  })

  it('rolls every write back when the work throws, and rethrows', async () => {
    const store = await open()
    const revision = store.revision()
    const error = await store
      .transaction(async (tx) => {
        await tx.connections.add({
          name: 'crm',
          loginUrl: 'https://login.salesforce.com',
          authFlow: 'password',
          username: 'u@example.com',
          clientId: 'id',
          password: 'p',
          clientSecret: 's',
        })
        await tx.settings.set('theme', 'dark')
        // Inside, its own writes are visible, and a nested transaction joins this one.
        expect(await tx.transaction((inner) => inner.connections.list())).toHaveLength(1)
        throw new Error('the import found a bad channel')
      })
      .catch((e: unknown) => e)
    expect((error as Error).message).toBe('the import found a bad channel')
    expect(await store.connections.list()).toEqual([])
    expect(await store.settings.get('theme')).toBeUndefined()
    // Caches keyed by the revision re-read, even though nothing was kept.
    expect(store.revision()).not.toBe(revision)
  })

  it('holds the write lock from its start, so another writer waits instead of interleaving', async () => {
    const store = await open()
    let release!: () => void
    const hold = new Promise<void>((r) => (release = r))
    let inside!: () => void
    const entered = new Promise<void>((r) => (inside = r))
    const done = store.transaction(async (tx) => {
      // Only a read so far: under a plain BEGIN, SQLite would not have taken the lock yet.
      await tx.settings.get('theme')
      inside()
      await hold
      await tx.settings.set('theme', 'dark')
    })
    await entered
    const busy = withRawDatabase(store.home, (db) => {
      db.pragma('busy_timeout = 0')
      try {
        db.prepare("insert into settings (key, value, updated_at) values ('x', 'y', 'z')").run()
        return null
      } catch (error) {
        return (error as { code?: string }).code
      }
    })
    release()
    await done
    expect(busy).toBe('SQLITE_BUSY')
    expect(await store.settings.get('theme')).toBe('dark')
  })
})

describe('database target', () => {
  it('reads a postgres:// URL as PostgreSQL and anything else as a SQLite file', () => {
    expect(databaseTarget('postgres://fb@db.internal/forcebridge')).toEqual({
      dialect: 'postgres',
      url: 'postgres://fb@db.internal/forcebridge',
    })
    expect(databaseTarget('postgresql://db/fb').dialect).toBe('postgres')
    expect(databaseTarget('/var/lib/forcebridge/forcebridge.db')).toEqual({
      dialect: 'sqlite',
      file: '/var/lib/forcebridge/forcebridge.db',
    })
  })
})

describe('the store on PostgreSQL', () => {
  const pg = storeDialects('store_database').find((d) => d.name === 'postgres')!
  useStoreDialect(pg)
  const openPg = async () => {
    const store = await openStore({ home: tempHome(), ...pg.options() })
    stores.push(store)
    return store
  }

  it('records every migration in one history, and numbers audit entries itself', async () => {
    const store = await openPg()
    const history = await pg.postgres.withClient(
      async (c) => (await c.query<{ name: string }>('select name from kysely_migration')).rows,
    )
    expect(history.map((r) => r.name).sort()).toEqual([...MIGRATION_NAMES])
    for (const action of ['first', 'second']) {
      await store.audit.record({ actor: 'test', action, target: 't' })
    }
    const [newest, oldest] = await store.audit.list()
    expect([newest?.action, oldest?.action]).toEqual(['second', 'first'])
    expect(newest!.id).toBeGreaterThan(oldest!.id)
  })

  it('refuses a database whose history names a migration it does not know', async () => {
    await openPg()
    await pg.postgres.withClient((c) =>
      c.query("insert into kysely_migration (name, timestamp) values ('2099-01-01-01-x', 'x')"),
    )
    const error = await openPg().catch((e: unknown) => e)
    expect(hasCode(error, 'STORE_SCHEMA_TOO_NEW')).toBe(true)
    expect((error as Error).message).toContain('written by a newer forcebridge')
    await pg.postgres.withClient((c) =>
      c.query("delete from kysely_migration where name = '2099-01-01-01-x'"),
    )
  })

  it("commits every repository's writes together, or rolls them all back", async () => {
    const store = await openPg()
    const { queue } = createJobBackend(store)
    await store.transaction(async (tx) => {
      const { definition } = await tx.security.createApiKey('partner')
      await tx.channels.add({
        method: 'POST',
        path: '/orders',
        service: 'order.create',
        securityDefinitionId: definition.id,
      })
      await queue.within(tx).enqueue({ service: 'order.sync', input: 1, idempotencyKey: 'o:1' })
    })
    const failed = await store
      .transaction(async (tx) => {
        await tx.settings.set('theme', 'dark')
        await queue.within(tx).enqueue({ service: 'order.sync', input: 2, idempotencyKey: 'o:2' })
        throw new Error('the import found a bad channel')
      })
      .catch((e: unknown) => e)
    expect((failed as Error).message).toBe('the import found a bad channel')
    expect((await store.channels.list()).map((c) => c.path)).toEqual(['/orders'])
    expect((await queue.stats()).queued).toBe(1)
    expect(await store.settings.get('theme')).toBeUndefined()
    // The rolled-back job did not keep its key.
    expect((await queue.enqueue({ service: 's', input: 3, idempotencyKey: 'o:2' })).input).toBe(3)
  })

  it('opens no more connections than its pool size, with one more for change notices', async () => {
    const store = await openStore({
      home: tempHome(),
      database: { ...(pg.options().database as { dialect: 'postgres'; url: string }), poolSize: 2 },
    })
    stores.push(store)
    const connections = () =>
      pg.postgres.withClient(async (c) => {
        const { rows } = await c.query<{ n: string }>(
          "select count(*) as n from pg_stat_activity where datname = $1 and application_name = 'forcebridge'",
          [pg.postgres.name],
        )
        return Number(rows[0]?.n)
      })
    let most = 0
    let busy = true
    const watch = (async () => {
      while (busy) most = Math.max(most, await connections())
    })()
    // Twelve writers at once, each holding its connection a while: they queue for two.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.settings.set(`writer.${i}`, String(i))
          await new Promise((r) => setTimeout(r, 40))
        }),
      ),
    )
    busy = false
    await watch
    for (let i = 0; i < 12; i++) expect(await store.settings.get(`writer.${i}`)).toBe(String(i))
    expect(most).toBeGreaterThanOrEqual(2)
    expect(most).toBeLessThanOrEqual(3)
  })
})
