// Runs the job queue conformance suite against the SQL backend on a SQLite file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { createKyselyJobQueue, queueMigrations } from '../../src/runtime/queue/index.js'
import { openMigratedSqlite } from './fixtures/migrated-sqlite.js'
import { describeQueueConformance } from './fixtures/queue-conformance.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-queue-'))
let counter = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeQueueConformance('sqlite', async ({ now }) => {
  const db = await openMigratedSqlite(join(dir, `queue-${++counter}.db`), queueMigrations)
  return {
    queue: createKyselyJobQueue({ db, now }),
    close: () => db.destroy(),
  }
})
