// The ChangeNotifier contract (src/store/change-notifier.ts), run against every store backend
// (SQLite today): own writes move the token at once, another process's commit soon after, and
// subscribers hear of both. A PostgreSQL backend is one more entry in `backends`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { DATABASE_FILE, openStore, type Store } from '../../src/store/index.js'

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
