// `forcebridge start` as a child process, sent SIGTERM while a channel call runs: the call still
// gets its 200, new calls are refused meanwhile, and the process exits 0 once the call is done.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/index.js'

const ROOT = resolve(import.meta.dirname, '../..')
const dir = mkdtempSync(join(tmpdir(), 'fb-shutdown-'))
const home = join(dir, 'home')
const marks = join(dir, 'marks')
let child: ChildProcess | undefined

beforeAll(async () => {
  mkdirSync(join(home, 'services'), { recursive: true })
  mkdirSync(marks)
  // Runs until the test writes the `release` file; says when it has started.
  writeFileSync(
    join(home, 'services', 'hold.ts'),
    `import { defineService, z } from 'forcebridge'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
export default defineService({
  name: 'hold',
  input: z.object({ dir: z.string() }),
  async handle({ input, signal }) {
    writeFileSync(join(input.dir, 'started'), '')
    while (!existsSync(join(input.dir, 'release'))) {
      if (signal.aborted) throw signal.reason
      await new Promise((r) => setTimeout(r, 20))
    }
    return { done: true }
  },
})`,
  )
  const store = await openStore({ home })
  await store.channels.add({
    method: 'POST',
    path: '/hold',
    service: 'hold',
    securityDefinitionId: null,
  })
  await store.close()
})

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

/** Starts the server and resolves with its URL, read from its 'listening' log line. */
function startServer(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'forcebridge.js'), 'start'], {
    cwd: dir,
    env: {
      ...process.env,
      FORCEBRIDGE_HOME: home,
      FORCEBRIDGE_PORT: '0',
      FORCEBRIDGE_LOG_LEVEL: 'info',
      FORCEBRIDGE_WORKER_CONCURRENCY: '0',
      FORCEBRIDGE_SHUTDOWN_TIMEOUT_MS: '60000',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let buffered = ''
    proc.stderr?.on('data', (d: Buffer) => {
      buffered += d.toString()
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*forcebridge is listening/.exec(buffered)
      if (m?.[1]) resolve({ proc, url: m[1] })
    })
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${buffered}`)))
  })
}

describe('forcebridge start on SIGTERM', () => {
  it('finishes the running call, refuses new ones, then exits 0', async () => {
    const started = await startServer()
    child = started.proc
    const exited = new Promise<number | null>((r) => started.proc.once('exit', r))
    const call = () =>
      fetch(`${started.url}/hold`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dir: marks }),
      })

    const running = call()
    await expect.poll(() => existsSync(join(marks, 'started')), { timeout: 20_000 }).toBe(true)
    started.proc.kill('SIGTERM')

    // Refused while the first call still runs: no connection, or 503 on a socket still open.
    // (Asked of a path with no channel: 404 until the server starts closing.)
    const probe = () =>
      fetch(`${started.url}/nothing`, { method: 'POST' }).then(
        (res) => String(res.status),
        () => 'refused',
      )
    await expect.poll(probe, { timeout: 10_000 }).toMatch(/^(503|refused)$/)
    expect(started.proc.exitCode).toBeNull()

    writeFileSync(join(marks, 'release'), '')
    const res = await running
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ done: true })
    expect(await exited).toBe(0)
  }, 60_000)
})
