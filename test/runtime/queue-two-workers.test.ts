// Two worker processes claiming from one SQLite queue at once: every job runs exactly once, and
// both processes take a share. The lease is long, so no lease can expire during the run: any
// job run twice would be a double claim.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createJobBackend } from '../../src/runtime/queue/index.js'
import { openStore } from '../../src/store/index.js'
import { testDatabase, testDatabaseEnv } from '../fixtures/test-store.js'

const JOBS = 600
const fixture = fileURLToPath(new URL('./fixtures/queue-crash-worker.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'fb-queue-two-'))
const home = join(dir, 'home')
const children: ChildProcess[] = []

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

function handled(file: string): number[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map(Number)
}

async function startChild(resultsFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, home, resultsFile, '600000'], {
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

describe('two worker processes on one queue', () => {
  it('run every job exactly once between them', async () => {
    const store = await openStore({ home, ...(await testDatabase(home)) })
    const { queue } = createJobBackend(store)
    // Both wait on an empty queue, then the jobs arrive while both poll.
    const files = [join(dir, 'a.txt'), join(dir, 'b.txt')]
    const workers = await Promise.all(files.map((f) => startChild(f)))
    for (let n = 0; n < JOBS; n++) await queue.enqueue({ service: 'count', input: { n } })
    await vi.waitFor(() => expect(files.flatMap(handled).length).toBeGreaterThanOrEqual(JOBS), {
      timeout: 120_000,
      interval: 20,
    })
    await Promise.all(
      workers.map((w) => {
        const exited = new Promise((resolve) => w.once('exit', resolve))
        w.kill('SIGTERM')
        return exited
      }),
    )
    const [a, b] = files.map(handled) as [number[], number[]]
    const all = [...a, ...b].sort((x, y) => x - y)
    expect(all).toEqual(Array.from({ length: JOBS }, (_, n) => n))
    // Both took part: the test is about two claimers, not one.
    expect(a.length).toBeGreaterThan(0)
    expect(b.length).toBeGreaterThan(0)
    for (const state of ['queued', 'running', 'retrying', 'dead'] as const)
      expect((await queue.list({ state })).jobs).toEqual([])
    await store.close()
  }, 180_000)
})
