// The ChangeNotifier contract (src/store/change-notifier.ts), run against every store backend
// (SQLite and PostgreSQL): own writes move the token at once, another process's commit soon
// after, and subscribers hear of both.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DATABASE_FILE, openStore, type Store } from '../../src/store/index.js'
import { createTestPostgres, type TestPostgres } from '../fixtures/postgres-database.js'

let postgres: TestPostgres
beforeAll(async () => {
  postgres = await createTestPostgres('changes')
})
afterAll(() => postgres?.drop())

interface StoreBackend {
  name: string
  open(): Promise<Store>
  /** A commit by another process sharing the database, outside this store's repositories. */
  writeElsewhere(store: Store): Promise<void>
  close(store: Store): Promise<void>
}

const backends: StoreBackend[] = [
  {
    name: 'sqlite',
    open: () => openStore({ home: join(mkdtempSync(join(tmpdir(), 'fb-changes-')), 'home') }),
    writeElsewhere: (store) => {
      const other = new SqliteDatabase(join(store.home, DATABASE_FILE))
      other
        .prepare("INSERT INTO settings (key, value, updated_at) VALUES ('elsewhere', 'x', 'now')")
        .run()
      other.close()
      return Promise.resolve()
    },
    close: async (store) => {
      await store.close()
      rmSync(join(store.home, '..'), { recursive: true, force: true })
    },
  },
  {
    name: 'postgres',
    async open() {
      await postgres.reset()
      return openStore({
        home: join(mkdtempSync(join(tmpdir(), 'fb-changes-')), 'home'),
        database: { dialect: 'postgres', url: postgres.url },
      })
    },
    // Another client's commit, in SQL: the triggers bump the revision whoever writes.
    writeElsewhere: () =>
      postgres.withClient(async (client) => {
        await client.query(
          "INSERT INTO settings (key, value, updated_at) VALUES ('elsewhere', 'x', 'now')",
        )
      }),
    close: async (store) => {
      await store.close()
      rmSync(join(store.home, '..'), { recursive: true, force: true })
    },
  },
]

/** The next token `store.changes` announces. */
function nextChange(store: Store): Promise<string> {
  return new Promise((resolve) => {
    const stop = store.changes.subscribe((revision) => {
      stop()
      resolve(revision)
    })
  })
}

for (const backend of backends) {
  describe(`ChangeNotifier (${backend.name})`, () => {
    let store: Store | undefined
    afterEach(async () => {
      if (store) await backend.close(store)
      store = undefined
    })

    it('moves the token at once on its own writes, and keeps it while nothing changes', async () => {
      store = await backend.open()
      const r0 = store.changes.current()
      await store.connections.list()
      expect(store.changes.current()).toBe(r0)
      await store.settings.set('a', '1')
      const r1 = store.changes.current()
      expect(r1).not.toBe(r0)
      expect(store.revision()).toBe(r1)
    })

    it('tells subscribers of its own writes, the last call with the latest token', async () => {
      store = await backend.open()
      const heard: string[] = []
      const stop = store.changes.subscribe((revision) => heard.push(revision))
      await Promise.all([store.settings.set('a', '1'), store.settings.set('b', '2')])
      await new Promise((resolve) => setImmediate(resolve))
      // Notifications may be coalesced (one per write at most), never lost.
      expect(heard.length).toBeGreaterThanOrEqual(1)
      expect(heard.length).toBeLessThanOrEqual(2)
      expect(heard.at(-1)).toBe(store.changes.current())
      stop()
      await store.settings.set('c', '3')
      await new Promise((resolve) => setImmediate(resolve))
      expect(heard.at(-1)).not.toBe(store.changes.current())
    })

    it('sees a commit made by another process and tells subscribers', async () => {
      store = await backend.open()
      const before = store.changes.current()
      const next = nextChange(store)
      await backend.writeElsewhere(store)
      const announced = await next
      expect(announced).not.toBe(before)
      expect(store.changes.current()).toBe(announced)
    })
  })
}

describe('ChangeNotifier across processes on one PostgreSQL database', () => {
  it("sees another store's edits within a second, and only config edits move it", async () => {
    await postgres.reset()
    const open = () =>
      openStore({
        home: join(mkdtempSync(join(tmpdir(), 'fb-changes-')), 'home'),
        // Both stores read the key file of their own home: a shared key, as nodes of a cluster.
        secretKey: Buffer.alloc(32, 7).toString('base64'),
        database: { dialect: 'postgres', url: postgres.url },
      })
    const [a, b] = [await open(), await open()]
    try {
      const before = b.revision()
      await a.channels.add({ method: 'GET', path: '/x', service: 's', securityDefinitionId: null })
      // Pushed by NOTIFY: well within the second the contract allows (the poll is 5 s).
      await expect.poll(() => b.revision(), { interval: 10, timeout: 1000 }).not.toBe(before)
      expect((await b.channels.list()).map((c) => c.path)).toEqual(['/x'])

      const heard = new Promise<string>((resolve) => {
        const stop = b.changes.subscribe((revision) => {
          stop()
          resolve(revision)
        })
      })
      await a.connections.add({
        name: 'crm',
        loginUrl: 'https://login.salesforce.com',
        authFlow: 'password',
        username: 'u@example.com',
        clientId: 'id',
        password: 'p',
        clientSecret: 's',
      })
      expect(await heard).toBe(b.revision())
      expect((await b.connections.credentials('crm')).password).toBe('p')

      // Queue traffic is not configuration: it leaves the other store's caches alone.
      await new Promise((resolve) => setTimeout(resolve, 50))
      const quiet = b.revision()
      await a.jobs.insert(
        {
          id: 'job-1',
          service: 's',
          input: '1',
          maxAttempts: 1,
          runAt: 0,
          idempotencyKey: null,
          correlationId: null,
        },
        0,
      )
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(b.revision()).toBe(quiet)
    } finally {
      for (const store of [a, b]) {
        await store.close()
        rmSync(join(store.home, '..'), { recursive: true, force: true })
      }
    }
  })
})
