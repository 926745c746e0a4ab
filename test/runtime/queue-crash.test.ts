// Durability of the SQLite queue: a runner process killed with SIGKILL twice mid-run loses no
// job, and runs again only the few jobs whose completion it had not recorded.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createJobBackend } from '../../src/runtime/queue/index.js'
import { openStore } from '../../src/store/index.js'
import { testDatabase, testDatabaseEnv } from '../fixtures/test-store.js'

const JOBS = 1_000
const CONCURRENCY = 8 // as in the fixture
const fixture = fileURLToPath(new URL('./fixtures/queue-crash-worker.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'fb-queue-crash-'))
const home = join(dir, 'home')
const resultsFile = join(dir, 'results.txt')
const children: ChildProcess[] = []

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

function handled(): number[] {
  if (!existsSync(resultsFile)) return []
  return readFileSync(resultsFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map(Number)
}

async function startChild(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, home, resultsFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...(await testDatabaseEnv(home)) },
  })
  children.push(child)
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`worker exited early with ${String(code)}`)))
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve()
    })
  })
  return child
}

async function killWhenHandled(child: ChildProcess, count: number): Promise<void> {
  await vi.waitFor(() => expect(handled().length).toBeGreaterThanOrEqual(count), {
    timeout: 60_000,
    interval: 5,
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

describe('job queue crash durability', () => {
  it(
    'finishes every job after two SIGKILLs, re-running only unrecorded ones',
    { timeout: 120_000 },
    async () => {
      const store = await openStore({
        home,
        sqliteSynchronous: 'normal',
        ...(await testDatabase(home)),
      })
      const { queue } = createJobBackend(store)
      try {
        await store.transaction(async (tx) => {
          const inTx = queue.within(tx)
          for (let n = 0; n < JOBS; n++) await inTx.enqueue({ service: 'append', input: { n } })
        })

        await killWhenHandled(await startChild(), 150)
        const afterFirstKill = handled().length
        await killWhenHandled(await startChild(), afterFirstKill + 250)
        expect((await queue.stats()).succeeded).toBeLessThan(JOBS)

        const last = await startChild()
        await vi.waitFor(async () => expect((await queue.stats()).succeeded).toBe(JOBS), {
          timeout: 60_000,
          interval: 20,
        })
        const exited = new Promise((resolve) => last.once('exit', resolve))
        last.kill('SIGTERM')
        await exited

        expect(await queue.stats()).toEqual({
          queued: 0,
          running: 0,
          succeeded: JOBS,
          dead: 0,
          retrying: 0,
        })
        const lines = handled()
        const counts = new Map<number, number>()
        for (const n of lines) counts.set(n, (counts.get(n) ?? 0) + 1)
        expect([...counts.keys()].sort((a, b) => a - b)).toEqual(
          Array.from({ length: JOBS }, (_, n) => n),
        )

        // A job ran twice only if the kill came after its handler and before its completion was
        // written: at most one batch of running jobs per kill, each with a lease-expired attempt.
        const all = []
        let cursor: string | null = null
        do {
          const page = await queue.list({ limit: 500, ...(cursor ? { cursor } : {}) })
          all.push(...page.jobs)
          cursor = page.nextCursor
        } while (cursor)
        expect(all).toHaveLength(JOBS)
        const interrupted = all.filter((job) => job.attempts > 1)
        expect(interrupted.length).toBeGreaterThan(0)
        expect(interrupted.length).toBeLessThanOrEqual(2 * CONCURRENCY)
        const duplicates = [...counts].filter(([, count]) => count > 1).map(([n]) => n)
        expect(lines.length - JOBS).toBeLessThanOrEqual(2 * CONCURRENCY)
        const interruptedInputs = new Set(interrupted.map((job) => (job.input as { n: number }).n))
        expect(duplicates.every((n) => interruptedInputs.has(n))).toBe(true)
        for (const job of interrupted) {
          const detail = await queue.get(job.id)
          expect(detail?.attemptHistory.at(-1)?.outcome).toBe('succeeded')
          expect(
            detail?.attemptHistory.slice(0, -1).every((a) => a.outcome === 'lease-expired'),
          ).toBe(true)
        }
      } finally {
        await store.close()
      }
    },
  )
})
