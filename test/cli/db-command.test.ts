// `forcebridge db status|migrate` in process, on SQLite in FORCEBRIDGE_HOME and on PostgreSQL
// through FORCEBRIDGE_DATABASE_URL: what an operator sees before and after migrating, a schema
// written by a newer forcebridge, and a server that cannot be reached, never with the password.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MIGRATION_NAMES } from '../../src/store/migrate-database.js'
import { storeDialects, useStoreDialect } from '../fixtures/store-dialects.js'
import { spawnCli } from './fixtures/cli-process.js'
import { runCli } from './fixtures/run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-cli-db-'))
let n = 0
const saved = { ...process.env }
afterEach(() => {
  for (const key of ['FORCEBRIDGE_HOME', 'FORCEBRIDGE_DATABASE_URL']) {
    if (saved[key] === undefined) delete process.env[key]
    else process.env[key] = saved[key]
  }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const dialects = storeDialects('cli_db')

describe.each(dialects)('forcebridge db ($name)', (dialect) => {
  useStoreDialect(dialect)
  let home = ''
  /** The database URL as an operator would write it, password and all (trust ignores it). */
  let url = ''
  beforeEach(() => {
    home = join(dir, `home-${++n}`)
    process.env.FORCEBRIDGE_HOME = home
    if (dialect.name === 'postgres') {
      const withPassword = new URL(dialect.postgres.url)
      withPassword.password = 'hunter2-not-to-print'
      url = withPassword.toString()
      process.env.FORCEBRIDGE_DATABASE_URL = url
      // A fresh database, as the first start of a new install would find it.
      return dialect.postgres.withClient(async (client) => {
        await client.query('drop schema public cascade; create schema public')
      })
    }
  })

  it('shows every migration pending, applies them once, then reports up to date', async () => {
    const before = await runCli('db', 'status')
    expect(before.code).toBe(0)
    expect(before.out).toContain(`database: ${dialect.name}`)
    expect(before.out).toContain(`${MIGRATION_NAMES.length} pending`)
    if (dialect.name === 'sqlite') expect(existsSync(join(home, 'forcebridge.db'))).toBe(false)

    const migrated = await runCli('db', 'migrate')
    expect(migrated.code).toBe(0)
    for (const name of MIGRATION_NAMES) expect(migrated.out).toContain(`applied ${name}`)

    const again = await runCli('db', 'migrate')
    expect(again.out).toContain('up to date: no migration to apply')
    const after = await runCli('db', 'status')
    expect(after.out).toMatch(/up to date\n$/)
    expect(after.out.match(/^\S+ +applied +\S/gm)).toHaveLength(MIGRATION_NAMES.length)
    for (const output of [before, migrated, again, after]) {
      expect(output.out + output.err).not.toContain('hunter2-not-to-print')
    }
    if (dialect.name === 'postgres') expect(after.out).toContain(':***@127.0.0.1')
  })

  it('runs a command as its own process to the end: the store opens, works and closes', async () => {
    // Nothing but the store keeps such a process alive: a socket left unref'd while awaited
    // would let it exit silently halfway (the built CLI, as an operator runs it).
    const env: Record<string, string> = { FORCEBRIDGE_HOME: home }
    if (dialect.name === 'postgres') env.FORCEBRIDGE_DATABASE_URL = url
    const added = spawnCli(['channel', 'add', 'GET', '/ping', '--service', 'ping', '--public'], env)
    expect(await added.exited, added.err.join('\n')).toBe(0)
    const listed = spawnCli(['channel', 'list'], env)
    expect(await listed.exited, listed.err.join('\n')).toBe(0)
    expect(listed.out.join('\n')).toContain('/ping')
  })

  it('reports a schema written by a newer forcebridge, and refuses to migrate it', async () => {
    await runCli('db', 'migrate')
    const future =
      "insert into kysely_migration (name, timestamp) values ('2099-01-01-01-future', 'x')"
    if (dialect.name === 'postgres') {
      await dialect.postgres.withClient((client) => client.query(future))
    } else {
      const { withRawDatabase } = await import('../store/fixtures/raw-database.js')
      withRawDatabase(home, (db) => db.exec(future))
    }
    const status = await runCli('db', 'status')
    expect(status.code).toBe(1)
    expect(status.out).toContain('2099-01-01-01-future')
    expect(status.out).toContain('schema newer than this forcebridge')
    const migrate = await runCli('db', 'migrate')
    expect(migrate.code).not.toBe(0)
    expect(migrate.err).toContain('written by a newer forcebridge')
    expect(migrate.err).not.toContain('hunter2-not-to-print')
  })
})

describe('forcebridge db on a PostgreSQL server that cannot be reached', () => {
  it('says which server and what to do, without the password', async () => {
    process.env.FORCEBRIDGE_HOME = join(dir, 'unreachable')
    process.env.FORCEBRIDGE_DATABASE_URL =
      'postgres://fb:hunter2-not-to-print@127.0.0.1:1/forcebridge'
    const result = await runCli('db', 'status')
    expect(result.code).not.toBe(0)
    expect(result.err).toContain('cannot open the PostgreSQL store at 127.0.0.1:1/forcebridge')
    expect(result.err).toContain('127.0.0.1:1/forcebridge')
    expect(result.err).toContain('FORCEBRIDGE_DATABASE_URL')
    expect(result.err).not.toContain('hunter2-not-to-print')
  })
})
