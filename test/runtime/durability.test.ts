// The server as a child process, killed with SIGKILL twice while it works through 1,000 queued
// upserts into the emulator, then restarted: every record ends up in the org exactly once and
// every job succeeds. (An upsert by external id may run twice after a kill; it still writes once.)
// Once per dialect: SQLite in the home, and PostgreSQL through FORCEBRIDGE_DATABASE_URL.
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import {
  createLogger,
  openAsyncInvocations,
  type AsyncInvocations,
} from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { storeDialects } from '../fixtures/store-dialects.js'
import { killHard, startServerProcess, waitUntil } from './fixtures/server-process.js'

const ROOT = resolve(import.meta.dirname, '../..')
const JOBS = 1000
const dialects = storeDialects('durability')
let dir = ''
let home = ''
/** FORCEBRIDGE_DATABASE_URL for the child servers, on PostgreSQL. */
let databaseEnv: Record<string, string> = {}
let emulator: EmulatorHandle
let store: Store
let jobs: AsyncInvocations
let child: ChildProcess | undefined

function startServer(): ChildProcess {
  return startServerProcess(home, dir, {
    FORCEBRIDGE_WORKER_CONCURRENCY: '8',
    FORCEBRIDGE_JOB_LEASE_MS: '1500',
    ...databaseEnv,
  })
}

function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  return waitUntil(check, what, { everyMs: 100 })
}

describe.each(dialects)('durable async invocations ($name)', (dialect) => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fb-durable-'))
    home = join(dir, 'home')
    const { database, secretKey } = dialect.options()
    // On PostgreSQL the child server opens the store with the dialect's shared key, as we do.
    databaseEnv =
      database?.dialect === 'postgres'
        ? { FORCEBRIDGE_DATABASE_URL: database.url, FORCEBRIDGE_SECRET_KEY: secretKey ?? '' }
        : {}
    emulator = await startEmulator({ port: 0, org: join(ROOT, 'examples', 'demo-org.yaml') })
    store = await openStore({ home, ...dialect.options() })
    await store.connections.add({
      name: 'crm',
      loginUrl: emulator.url,
      authFlow: 'password',
      username: 'my.user@example.com',
      password: 'my.password',
      securityToken: 'DemoSecurityToken01',
      clientId: '3MVG9forcebridge.demo.consumer.key',
      clientSecret: 'forcebridge-demo-consumer-secret',
    })
    mkdirSync(join(home, 'services'), { recursive: true })
    writeFileSync(
      join(home, 'services', 'invoice-upsert.ts'),
      `import { defineService, z } from 'forcebridge'
  export default defineService({
    name: 'invoice.upsert',
    input: z.object({ number: z.string(), amount: z.number() }),
    handle: ({ input, salesforce }) =>
      salesforce('crm').sobject('Invoice__c').upsert('Number__c', input.number, { Amount__c: input.amount }),
  })`,
    )
    // This process only enqueues (no worker): the child server does the work.
    jobs = openAsyncInvocations(store, createLogger({ level: 'silent' }), {
      concurrency: 0,
      scheduler: false,
    })
    for (let i = 0; i < JOBS; i++) {
      await jobs.queue.enqueue({
        service: 'invoice.upsert',
        input: { number: `D-${i}`, amount: i },
        idempotencyKey: `durable:D-${i}`,
      })
    }
  }, 120_000)

  afterAll(async () => {
    if (child && child.exitCode === null) await killHard(child)
    await store?.close()
    await emulator?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('finds every record exactly once after two SIGKILLs of the server', async () => {
    const succeeded = async () => (await jobs.queue.stats()).succeeded

    child = startServer()
    await waitFor(async () => (await succeeded()) >= 150, 'the first 150 jobs')
    await killHard(child)

    child = startServer()
    const before = await succeeded()
    await waitFor(async () => (await succeeded()) >= before + 300, '300 more jobs')
    await killHard(child)
    expect(await succeeded()).toBeLessThan(JOBS)

    child = startServer()
    await waitFor(async () => (await succeeded()) === JOBS, 'every job to succeed')
    const stats = await jobs.queue.stats()
    expect(stats.dead).toBe(0)

    const counts = new Map<string, number>()
    for (const row of emulator.org.rows('Invoice__c')) {
      if (row.IsDeleted) continue
      const n = String(row.Number__c)
      counts.set(n, (counts.get(n) ?? 0) + 1)
    }
    expect(counts.size).toBe(JOBS)
    expect([...counts.values()].every((c) => c === 1)).toBe(true)
    for (let i = 0; i < JOBS; i += 97) expect(counts.get(`D-${i}`)).toBe(1)
  }, 300_000)
})
