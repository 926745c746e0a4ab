// `forcebridge db copy --to postgres://…` in process: a SQLite home with something in every table
// moves into an empty PostgreSQL database, and a store opened there sees all of it (secrets
// decrypt with the home's key, the admin password verifies, jobs and audit history continue); a
// database that already has forcebridge tables is refused and left as it was.
import { mkdtempSync, rmSync } from 'node:fs'
import Database from 'better-sqlite3'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/index.js'
import { createTestPostgres, type TestPostgres } from '../fixtures/postgres-database.js'
import { runCli } from './fixtures/run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-cli-db-copy-'))
const saved = { ...process.env }
let target: TestPostgres
let other: TestPostgres
let spoiled: TestPostgres

beforeAll(async () => {
  target = await createTestPostgres('db_copy')
  other = await createTestPostgres('db_copy_busy')
  spoiled = await createTestPostgres('db_copy_failed')
})
afterAll(async () => {
  await target?.drop()
  await other?.drop()
  await spoiled?.drop()
  rmSync(dir, { recursive: true, force: true })
})
afterEach(() => {
  for (const key of ['FORCEBRIDGE_HOME', 'FORCEBRIDGE_DATABASE_URL', 'FORCEBRIDGE_SECRET_KEY']) {
    if (saved[key] === undefined) delete process.env[key]
    else process.env[key] = saved[key]
  }
})

/** The URL as an operator would write it, with a password (trust ignores it) never to be printed. */
function withPassword(url: string): string {
  const parsed = new URL(url)
  parsed.password = 'hunter2-not-to-print'
  return parsed.toString()
}

/** A home with a row in every table the store has. */
async function fillHome(home: string): Promise<{ apiKey: string; jobIds: string[] }> {
  const store = await openStore({ home })
  try {
    await store.connections.add({
      name: 'crm',
      loginUrl: 'https://login.salesforce.com',
      authFlow: 'password',
      username: 'u@example.com',
      clientId: 'client-id',
      password: 'sf-password',
      securityToken: 'sf-token',
      clientSecret: 'sf-client-secret',
    })
    const { definition, key } = await store.security.createApiKey('partner')
    await store.channels.add({
      method: 'POST',
      path: '/orders',
      service: 'order-create',
      securityDefinitionId: definition.id,
    })
    await store.settings.set('theme', 'dark')
    await store.settings.set('webhook-token', 'sealed-value', { secret: true })
    await store.adminUsers.setPassword('ops', 'correct horse battery')
    for (const action of ['connection.add', 'channel.add', 'security.add']) {
      await store.audit.record({ actor: 'ops', action, target: 'x' })
    }
    const now = Date.now()
    const job = (id: string) => ({
      id,
      service: 'order-create',
      input: '{"n":1}',
      maxAttempts: 3,
      runAt: now,
      idempotencyKey: `key-${id}`,
      correlationId: null,
    })
    await store.jobs.insert(job('job-done'), now)
    const claimed = await store.jobs.claimNext(now, 30_000)
    if (!claimed) throw new Error('no job to claim')
    await store.jobs.settle(claimed.claim, { outcome: 'succeeded', output: '{"ok":true}' }, now)
    await store.jobs.insert(job('job-waiting'), now + 1)
    await store.schedules.insert({
      name: 'nightly',
      cron: '0 2 * * *',
      timezone: 'UTC',
      service: 'order-create',
      input: '{}',
      enabled: 1,
      missed_run_policy: 'run-once',
      max_catch_up: 1,
      due_after: now,
      last_run_at: null,
      created_at: now,
      updated_at: now,
    })
    await store.bulkJobs.save({
      key: 'job-done#1',
      invocation_id: 'inv-1',
      connection: 'crm',
      object: 'Account',
      operation: 'insert',
      job_ids: '["750x"]',
      state: 'JobComplete',
      records_processed: 10,
      records_failed: 1,
      entry: '{"jobs":["750x"]}',
      created_at: now,
      updated_at: now,
    })
    return { apiKey: key, jobIds: ['job-done', 'job-waiting'] }
  } finally {
    await store.close()
  }
}

describe('forcebridge db copy', () => {
  it('copies a SQLite home into an empty PostgreSQL database, and the store there sees all of it', async () => {
    const home = join(dir, 'home-copied')
    process.env.FORCEBRIDGE_HOME = home
    const { apiKey } = await fillHome(home)
    const url = withPassword(target.url)

    const copied = await runCli('db', 'copy', '--to', url)
    expect(copied.err).toBe('')
    expect(copied.code).toBe(0)
    expect(copied.out).toContain('copied 1 row(s) of connections')
    expect(copied.out).toContain('copied 3 row(s) of audit_log')
    expect(copied.out).toContain('copied 2 row(s) of queue_jobs')
    expect(copied.out).toContain('copied 1 row(s) of bulk_jobs')
    expect(copied.out).toContain('FORCEBRIDGE_SECRET_KEY')
    expect(copied.out.trimEnd().split('\n').at(-1)).toMatch(
      /^copied \d+ row\(s\) in 13 tables from .*forcebridge\.db to postgres:\/\/postgres:\*\*\*@/,
    )
    expect(copied.out + copied.err).not.toContain('hunter2-not-to-print')

    // The same home (its secret.key), the database now on PostgreSQL.
    const store: Store = await openStore({ home, database: { dialect: 'postgres', url } })
    try {
      expect(store.dialect).toBe('postgres')
      const credentials = await store.connections.credentials('crm')
      expect(credentials).toMatchObject({
        password: 'sf-password',
        securityToken: 'sf-token',
        clientSecret: 'sf-client-secret',
      })
      const partner = await store.security.find('partner')
      expect(await store.security.verifyApiKey(partner?.id ?? '', apiKey)).toBe(true)
      expect(await store.channels.find('POST', '/orders')).toMatchObject({
        service: 'order-create',
        securityDefinitionId: partner?.id,
      })
      expect(await store.settings.get('theme')).toBe('dark')
      expect(await store.settings.get('webhook-token')).toBe('sealed-value')
      expect(await store.adminUsers.verify('ops', 'correct horse battery')).toBeDefined()
      expect(await store.adminUsers.verify('ops', 'wrong password!')).toBeUndefined()

      const jobs = await store.jobs.list({ limit: 10 })
      expect(jobs.map((j) => [j.id, j.state]).sort()).toEqual([
        ['job-done', 'succeeded'],
        ['job-waiting', 'queued'],
      ])
      expect(await store.jobs.attempts('job-done')).toHaveLength(1)
      // The waiting job is still claimable, and the idempotency keys still hold.
      const next = await store.jobs.claimNext(Date.now() + 10, 30_000)
      expect(next?.row.id).toBe('job-waiting')
      expect(await store.schedules.find('nightly')).toMatchObject({ cron: '0 2 * * *' })
      expect(await store.bulkJobs.entry('job-done#1')).toBe('{"jobs":["750x"]}')

      const before = await store.audit.list()
      expect(before.map((e) => e.action)).toEqual(['security.add', 'channel.add', 'connection.add'])
      await store.audit.record({ actor: 'ops', action: 'db.copied', target: 'postgres' })
      const after = await store.audit.list()
      expect(after[0]?.action).toBe('db.copied')
      expect(after[0]?.id).toBeGreaterThan(before[0]?.id ?? Infinity)
    } finally {
      await store.close()
    }
  })

  it('refuses a database that already has forcebridge tables, and leaves it unchanged', async () => {
    const home = join(dir, 'home-refused')
    process.env.FORCEBRIDGE_HOME = home
    await fillHome(home)
    // Another install already lives there: one channel, nothing else.
    const busy = await openStore({
      home: join(dir, 'home-busy'),
      database: { dialect: 'postgres', url: other.url },
    })
    await busy.channels.add({
      method: 'GET',
      path: '/ping',
      service: 'ping',
      securityDefinitionId: null,
    })
    await busy.close()
    const snapshot = () =>
      other.withClient(async (client) => {
        const tables = await client.query<{ t: string }>(
          "select tablename as t from pg_tables where schemaname = 'public' order by 1",
        )
        const channels = await client.query('select * from channels order by id')
        const connections = await client.query('select count(*)::int as n from connections')
        return { tables: tables.rows, channels: channels.rows, connections: connections.rows }
      })
    const before = await snapshot()

    const refused = await runCli('db', 'copy', '--to', withPassword(other.url))
    expect(refused.code).not.toBe(0)
    expect(refused.err).toContain('already has forcebridge tables')
    expect(refused.out + refused.err).not.toContain('hunter2-not-to-print')
    expect(await snapshot()).toEqual(before)
  })

  it('leaves the target empty when a row cannot be written, so the copy can run again', async () => {
    const home = join(dir, 'home-spoiled')
    process.env.FORCEBRIDGE_HOME = home
    await fillHome(home)
    // SQLite keeps text in an integer column; PostgreSQL will not take it.
    const file = new Database(join(home, 'forcebridge.db'))
    file.prepare("update queue_jobs set attempts = 'many' where id = 'job-waiting'").run()
    file.close()

    const failed = await runCli('db', 'copy', '--to', withPassword(spoiled.url))
    expect(failed.code).not.toBe(0)
    expect(failed.err).toContain('could not copy the rows of queue_jobs')
    expect(failed.out).not.toMatch(/copied \d+ row\(s\) in/)
    const tables = await spoiled.withClient(async (client) => {
      const found = await client.query<{ tablename: string }>(
        "select tablename from pg_tables where schemaname = 'public'",
      )
      return found.rows.map((r) => r.tablename)
    })
    expect(tables).toEqual([])
  })
})
