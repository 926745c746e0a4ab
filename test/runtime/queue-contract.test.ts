// What every queue backend must do in real time, through the JobQueue and JobRunner contracts
// only: run once per backend in QUEUE_BACKENDS. Timing-dependent behaviour (runAt, backoff,
// leases) is in queue-clock.test.ts, on a driven clock.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  RetryPolicy,
  type AttemptEvent,
  type JobBackendOptions,
  type JobRunner,
} from '../../src/runtime/queue/index.js'
import { ForcebridgeError, hasCode } from '../../src/util/index.js'
import { QUEUE_BACKENDS, type QueueUnderTest } from './fixtures/queue-backends.js'

/** Retries are due at once, so a failing job is retried as fast as the runner polls. */
const noBackoff = new RetryPolicy({ backoff: { baseMs: 0, maxMs: 0 } })
const fast = { pollMs: 5, leaseMs: 5_000 }

describe.each(QUEUE_BACKENDS)('job queue contract: $name', (entry) => {
  const opened: QueueUnderTest[] = []
  const runners: JobRunner[] = []
  beforeAll(() => entry.setup())
  afterAll(() => entry.teardown())
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()))
    await Promise.all(opened.splice(0).map((q) => q.close()))
  })
  async function open(options: JobBackendOptions = {}) {
    const under = await entry.open({ retry: noBackoff, ...options })
    opened.push(under)
    return under.backend
  }
  function started(runner: JobRunner, handler: Parameters<JobRunner['start']>[0]): JobRunner {
    runners.push(runner)
    runner.start(handler)
    return runner
  }

  describe('queue', () => {
    it('enqueues a job that waits in queued with its input', async () => {
      const { queue } = await open()
      const job = await queue.enqueue({ service: 'campaign.create', input: { name: 'Spring' } })
      expect(job).toMatchObject({ service: 'campaign.create', state: 'queued', attempts: 0 })
      expect((await queue.get(job.id))?.input).toEqual({ name: 'Spring' })
      expect(await queue.stats()).toEqual({
        queued: 1,
        running: 0,
        succeeded: 0,
        dead: 0,
        retrying: 0,
      })
    })

    it('returns the existing job for a repeated idempotency key, even from concurrent calls', async () => {
      const { queue } = await open()
      const first = await queue.enqueue({ service: 's', input: 1, idempotencyKey: 'order:1' })
      const again = await Promise.all(
        Array.from({ length: 10 }, () =>
          queue.enqueue({ service: 's', input: 2, idempotencyKey: 'order:1' }),
        ),
      )
      expect(new Set(again.map((j) => j.id))).toEqual(new Set([first.id]))
      expect((await queue.list()).jobs).toHaveLength(1)
      expect((await queue.get(first.id))?.input).toBe(1)
    })

    it('rejects a job without a service, naming the field', async () => {
      const { queue } = await open()
      const error = await queue.enqueue({ service: '', input: {} }).catch((e: unknown) => e)
      expect(hasCode(error, 'INVALID_JOB_REQUEST')).toBe(true)
      expect((error as Error).message).toContain('service')
    })

    it('answers null for an unknown job', async () => {
      const { queue } = await open()
      expect(await queue.get('no-such-job')).toBeNull()
    })

    it('lists newest first, filters by state and service, and pages with a cursor', async () => {
      const { queue } = await open()
      const ids: string[] = []
      for (let i = 0; i < 7; i++) {
        ids.push((await queue.enqueue({ service: i % 2 ? 'odd' : 'even', input: i })).id)
      }
      const seen: string[] = []
      let cursor: string | undefined
      do {
        const page = await queue.list({ limit: 3, ...(cursor ? { cursor } : {}) })
        expect(page.jobs.length).toBeLessThanOrEqual(3)
        seen.push(...page.jobs.map((j) => j.id))
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      expect(seen).toHaveLength(7)
      expect(new Set(seen)).toEqual(new Set(ids))
      // In real time several jobs may share a creation time; queue-clock.test.ts checks the order.
      const odd = (await queue.list({ service: 'odd' })).jobs.map((j) => j.input as number)
      expect(odd.sort()).toEqual([1, 3, 5])
      expect((await queue.list({ state: 'succeeded' })).jobs).toEqual([])
      expect((await queue.list({ state: 'queued' })).jobs).toHaveLength(7)
      const badCursor = await queue.list({ cursor: 'garbage' }).catch((e: unknown) => e)
      expect(hasCode(badCursor, 'INVALID_JOB_REQUEST')).toBe(true)
    })

    it('refuses to retry a job that has not failed, or does not exist', async () => {
      const { queue } = await open()
      const job = await queue.enqueue({ service: 's', input: 1 })
      expect(hasCode(await queue.retry(job.id).catch((e: unknown) => e), 'JOB_NOT_RETRYABLE')).toBe(
        true,
      )
      expect(hasCode(await queue.retry('nope').catch((e: unknown) => e), 'JOB_NOT_FOUND')).toBe(
        true,
      )
    })

    it('enqueues inside a store transaction: kept on commit, gone on rollback', async () => {
      const under = await entry.open({})
      opened.push(under)
      const { queue } = under.backend
      const store = under.store
      await store.transaction((tx) =>
        queue.within(tx).enqueue({ service: 's', input: 'kept', idempotencyKey: 'k1' }),
      )
      const failed = await store
        .transaction(async (tx) => {
          await queue.within(tx).enqueue({ service: 's', input: 'dropped', idempotencyKey: 'k2' })
          throw new Error('the caller changed its mind')
        })
        .catch((e: unknown) => e)
      expect((failed as Error).message).toBe('the caller changed its mind')
      expect((await queue.list()).jobs.map((j) => j.input)).toEqual(['kept'])
      // The rolled-back job did not keep its key.
      expect(
        (await queue.enqueue({ service: 's', input: 'again', idempotencyKey: 'k2' })).input,
      ).toBe('again')
    })
  })

  describe('runner', () => {
    it('runs every job once with at most `concurrency` at a time, keeping outputs', async () => {
      const { queue, createRunner } = await open()
      for (let i = 0; i < 30; i++) await queue.enqueue({ service: 'double', input: i })
      let inFlight = 0
      let peak = 0
      const runner = started(createRunner({ ...fast, concurrency: 3 }), async (job) => {
        peak = Math.max(peak, ++inFlight)
        // Long enough that the runner claims the next jobs meanwhile, on any database.
        await new Promise((r) => setTimeout(r, 25))
        inFlight--
        return (job.input as number) * 2
      })
      await runner.drain()
      expect(peak).toBeLessThanOrEqual(3)
      expect(peak).toBeGreaterThan(1)
      const { jobs } = await queue.list({ limit: 100 })
      expect(jobs).toHaveLength(30)
      expect(
        jobs.every((j) => j.state === 'succeeded' && j.output === (j.input as number) * 2),
      ).toBe(true)
      expect(jobs.every((j) => j.attempts === 1)).toBe(true)
    })

    it('never runs a job on two runners at once', async () => {
      const { queue, createRunner } = await open()
      for (let i = 0; i < 40; i++) await queue.enqueue({ service: 's', input: i })
      const runs = new Map<number, number>()
      const handler = async (job: { input: unknown }) => {
        runs.set(job.input as number, (runs.get(job.input as number) ?? 0) + 1)
        await new Promise((r) => setTimeout(r, 1))
      }
      const a = started(createRunner({ ...fast, concurrency: 4 }), handler)
      const b = started(createRunner({ ...fast, concurrency: 4 }), handler)
      await Promise.all([a.drain(), b.drain()])
      expect(runs.size).toBe(40)
      expect([...runs.values()].every((n) => n === 1)).toBe(true)
      expect((await queue.stats()).succeeded).toBe(40)
    })

    it('retries a failing handler until it succeeds, recording each attempt', async () => {
      const { queue, createRunner } = await open()
      const job = await queue.enqueue({ service: 'flaky', input: null, maxAttempts: 5 })
      let calls = 0
      const events: AttemptEvent[] = []
      const runner = started(
        createRunner({ ...fast, onAttempt: (event) => events.push(event) }),
        () => {
          calls++
          if (calls < 3) {
            return Promise.reject(Object.assign(new Error('busy'), { code: 'UNABLE_TO_LOCK_ROW' }))
          }
          return Promise.resolve('finally')
        },
      )
      await runner.drain()
      const done = await queue.get(job.id)
      expect(done).toMatchObject({
        state: 'succeeded',
        output: 'finally',
        attempts: 3,
        lastError: null,
      })
      expect(done?.attemptHistory.map((a) => [a.outcome, a.errorCode])).toEqual([
        ['failed', 'UNABLE_TO_LOCK_ROW'],
        ['failed', 'UNABLE_TO_LOCK_ROW'],
        ['succeeded', null],
      ])
      expect(events.map((e) => [e.attempt, e.outcome, e.error?.code])).toEqual([
        [1, 'retry', 'UNABLE_TO_LOCK_ROW'],
        [2, 'retry', 'UNABLE_TO_LOCK_ROW'],
        [3, 'succeeded', undefined],
      ])
    })

    it('moves a job to the dead letters after maxAttempts failures', async () => {
      const { queue, createRunner } = await open()
      const job = await queue.enqueue({ service: 'broken', input: null, maxAttempts: 3 })
      const outcomes: string[] = []
      const runner = started(
        createRunner({ ...fast, onAttempt: (event) => outcomes.push(event.outcome) }),
        () => Promise.reject(new Error('boom')),
      )
      await runner.drain()
      expect(outcomes).toEqual(['retry', 'retry', 'dead'])
      const dead = await queue.get(job.id)
      expect(dead).toMatchObject({ state: 'dead', attempts: 3, lastError: { message: 'boom' } })
      expect(dead?.finishedAt).not.toBeNull()
      expect(dead?.attemptHistory).toHaveLength(3)
      expect((await queue.list({ state: 'dead' })).jobs.map((j) => j.id)).toEqual([job.id])
    })

    it('moves a job to the dead letters at once for an error no retry can fix', async () => {
      const { queue, createRunner } = await open()
      const refused = await queue.enqueue({ service: 'strict', input: 1, maxAttempts: 5 })
      const invalid = await queue.enqueue({ service: 'strict', input: 2, maxAttempts: 5 })
      const runner = started(createRunner(fast), (job) =>
        Promise.reject(
          job.input === 1
            ? Object.assign(new Error('the partner refused the order'), { retryable: false })
            : new ForcebridgeError('INVALID_INPUT', 'name is required'),
        ),
      )
      await runner.drain()
      expect(await queue.get(refused.id)).toMatchObject({
        state: 'dead',
        attempts: 1,
        lastError: { message: 'the partner refused the order', code: null },
      })
      expect(await queue.get(invalid.id)).toMatchObject({
        state: 'dead',
        attempts: 1,
        lastError: { message: 'name is required', code: 'INVALID_INPUT' },
      })
    })

    it('moves a job to the dead letters when its output cannot be stored', async () => {
      const { queue, createRunner } = await open()
      const job = await queue.enqueue({ service: 'bigint', input: null })
      const runner = started(createRunner(fast), () => Promise.resolve({ n: 1n }))
      await runner.drain()
      expect(await queue.get(job.id)).toMatchObject({
        state: 'dead',
        attempts: 1,
        lastError: { code: 'JOB_OUTPUT_NOT_SERIALIZABLE' },
      })
    })

    it('runs a dead job again with a fresh budget of attempts when retried', async () => {
      const { queue, createRunner } = await open()
      const job = await queue.enqueue({ service: 's', input: 1, maxAttempts: 2 })
      let fail = true
      const runner = started(createRunner(fast), () =>
        fail ? Promise.reject(new Error('down')) : Promise.resolve('up'),
      )
      await runner.drain()
      expect((await queue.get(job.id))?.state).toBe('dead')
      fail = false
      expect(await queue.retry(job.id)).toMatchObject({
        state: 'queued',
        attempts: 2,
        attemptLimit: 4,
        finishedAt: null,
      })
      await runner.drain()
      expect(await queue.get(job.id)).toMatchObject({
        state: 'succeeded',
        attempts: 3,
        output: 'up',
      })
    })

    it('runs a job waiting for its retry at once when retried', async () => {
      const { queue, createRunner } = await open({
        retry: new RetryPolicy({ backoff: { baseMs: 3_600_000, maxMs: 3_600_000 } }),
      })
      const job = await queue.enqueue({ service: 's', input: 1 })
      let calls = 0
      const runner = started(createRunner(fast), () =>
        ++calls === 1 ? Promise.reject(new Error('not yet')) : Promise.resolve('now'),
      )
      await runner.drain()
      expect(await queue.get(job.id)).toMatchObject({ state: 'queued', attempts: 1 })
      expect((await queue.stats()).retrying).toBe(1)
      expect((await queue.list({ state: 'retrying' })).jobs.map((j) => j.id)).toEqual([job.id])
      await queue.retry(job.id)
      await runner.drain()
      expect(await queue.get(job.id)).toMatchObject({ state: 'succeeded', output: 'now' })
    })

    it('waits for running jobs when stopped, and records them', async () => {
      const { queue, createRunner } = await open()
      const job = await queue.enqueue({ service: 'slow', input: null })
      let began!: () => void
      const running = new Promise<void>((r) => (began = r))
      const runner = createRunner(fast)
      runner.start(async () => {
        began()
        await new Promise((r) => setTimeout(r, 100))
        return 'finished'
      })
      await running
      await runner.stop()
      expect(await queue.get(job.id)).toMatchObject({ state: 'succeeded', output: 'finished' })
    })

    it('purges finished jobs only, by state, and frees their idempotency keys', async () => {
      const { queue, createRunner } = await open()
      const kept = await queue.enqueue({ service: 's', input: 'ok', idempotencyKey: 'k' })
      await queue.enqueue({ service: 's', input: 'bad', maxAttempts: 1 })
      const runner = started(createRunner(fast), (job) =>
        job.input === 'ok' ? Promise.resolve(1) : Promise.reject(new Error('no')),
      )
      await runner.drain()
      await runner.stop()
      await queue.enqueue({ service: 's', input: 'waiting' })
      expect(await queue.purge({ state: 'dead' })).toBe(1)
      expect(await queue.stats()).toMatchObject({ succeeded: 1, dead: 0, queued: 1 })
      expect(await queue.purge()).toBe(1)
      expect(await queue.stats()).toMatchObject({ succeeded: 0, dead: 0, queued: 1 })
      const again = await queue.enqueue({ service: 's', input: 'ok', idempotencyKey: 'k' })
      expect(again.id).not.toBe(kept.id)
      expect(await queue.purge({ state: 'queued' })).toBe(2)
      expect((await queue.list()).jobs).toEqual([])
      const running = await queue.purge({ state: 'running' as 'queued' }).catch((e: unknown) => e)
      expect(hasCode(running, 'INVALID_JOB_REQUEST')).toBe(true)
    })

    it('refuses to start twice', async () => {
      const { createRunner } = await open()
      const runner = started(createRunner(fast), () => Promise.resolve())
      expect(() => runner.start(() => Promise.resolve())).toThrow(/started already/)
    })
  })
})
