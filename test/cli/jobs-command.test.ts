// `forcebridge jobs` and `forcebridge schedule` in process, on a store whose queue holds a
// succeeded job and a dead one, as an operator would inspect and repair them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createJobBackend } from '../../src/runtime/index.js'
import { openStore } from '../../src/store/index.js'
import { runCli } from './fixtures/run-cli.js'
import { testDatabase } from '../fixtures/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-cli-jobs-'))
const home = join(dir, 'home')
let deadId = ''
let okId = ''

beforeAll(async () => {
  Object.assign(process.env, { FORCEBRIDGE_HOME: home, FORCEBRIDGE_LOG_LEVEL: 'warn' })
  const store = await openStore({ home, ...(await testDatabase(home)) })
  const { queue, createRunner } = createJobBackend(store)
  const ok = await queue.enqueue({ service: 'invoice.sync', input: { n: 1 } })
  const bad = await queue.enqueue({ service: 'invoice.sync', input: { n: 2 }, maxAttempts: 1 })
  okId = ok.id
  deadId = bad.id
  // One job succeeds, the other fails for good.
  const runner = createRunner({ pollMs: 5 })
  runner.start((job) =>
    job.id === okId
      ? Promise.resolve({ done: true })
      : Promise.reject(
          Object.assign(new Error('unable to obtain exclusive access to this record'), {
            code: 'UNABLE_TO_LOCK_ROW',
          }),
        ),
  )
  await runner.drain()
  await runner.stop()
  await store.close()
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('forcebridge jobs', () => {
  it('lists jobs by state, with the last error', async () => {
    const dead = await runCli('jobs', 'list', '--state', 'dead')
    expect(dead.code).toBe(0)
    expect(dead.out).toContain(deadId)
    expect(dead.out).toContain('UNABLE_TO_LOCK_ROW')
    expect(dead.out).not.toContain(okId)
    const json = await runCli('jobs', 'list', '--json')
    const ids = (JSON.parse(json.out) as { id: string }[]).map((j) => j.id)
    expect(ids.sort()).toEqual([okId, deadId].sort())
  })

  it('shows every attempt of a job', async () => {
    const shown = await runCli('jobs', 'show', deadId)
    expect(shown.out).toMatch(/state\s+dead/)
    expect(shown.out).toMatch(/#1 .* failed\s+UNABLE_TO_LOCK_ROW unable to obtain/)
  })

  it('puts a dead job back on the queue', async () => {
    const retried = await runCli('jobs', 'retry', deadId)
    expect(retried.out).toContain(`job ${deadId} is queued again`)
    const queued = await runCli('jobs', 'list', '--state', 'queued', '--json')
    expect((JSON.parse(queued.out) as { id: string }[]).map((j) => j.id)).toEqual([deadId])
  })

  it('refuses a bad state and an unknown job with a clear line', async () => {
    const bad = await runCli('jobs', 'list', '--state', 'sleeping')
    expect(bad.code).toBe(1)
    expect(bad.err).toContain('--state sleeping: use one of')
    const missing = await runCli('jobs', 'show', 'nope')
    expect(missing.code).toBe(1)
    expect(missing.err).toContain('no job with id nope')
  })

  it('purges succeeded jobs and keeps the others', async () => {
    const purged = await runCli('jobs', 'purge', '--state', 'succeeded')
    expect(purged.out).toContain('purged 1 job')
    const left = await runCli('jobs', 'list', '--json')
    expect((JSON.parse(left.out) as { id: string }[]).map((j) => j.id)).toEqual([deadId])
  })
})

describe('forcebridge schedule', () => {
  it('adds, lists and removes a schedule with its next run', async () => {
    const added = await runCli(
      'schedule',
      'add',
      'nightly sync',
      '--cron',
      '0 2 * * *',
      '--service',
      'invoice.sync',
      '--input',
      '{"full":true}',
      '--missed',
      'run-once',
    )
    expect(added.code).toBe(0)
    expect(added.out).toMatch(
      /schedule 'nightly sync' added; next run \d{4}-\d\d-\d\dT02:00:00\.000Z/,
    )
    const listed = await runCli('schedule', 'list', '--json')
    const [s] = JSON.parse(listed.out) as {
      name: string
      input: unknown
      missedRunPolicy: string
    }[]
    expect(s).toMatchObject({
      name: 'nightly sync',
      input: { full: true },
      missedRunPolicy: 'run-once',
    })
    expect((await runCli('schedule', 'remove', 'nightly sync')).out).toContain('removed')
    expect((await runCli('schedule', 'list')).out).toContain('no schedules')
  })

  it('refuses a bad cron pattern and bad JSON input', async () => {
    const badCron = await runCli('schedule', 'add', 'x', '--cron', 'every day', '--service', 's')
    expect(badCron.code).toBe(1)
    expect(badCron.err).toMatch(/cron|pattern/i)
    const badJson = await runCli(
      'schedule',
      'add',
      'y',
      '--cron',
      '* * * * *',
      '--service',
      's',
      '--input',
      '{',
    )
    expect(badJson.err).toContain('--input is not valid JSON')
  })
})
