// What every queue backend must do with time, on a clock the test moves by hand (so a slow
// machine can never expire a lease by itself): runAt, backoff, leases that runners renew, and
// jobs taken back from a runner that went silent. Run once per backend with a driven clock.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  RetryPolicy,
  type JobBackendOptions,
  type JobRunner,
} from '../../src/runtime/queue/index.js'
import { ForcebridgeError } from '../../src/util/index.js'
import { manualClock, QUEUE_BACKENDS, type QueueUnderTest } from './fixtures/queue-backends.js'

const fast = { pollMs: 5, leaseMs: 60 }

describe.each(QUEUE_BACKENDS.filter((b) => b.drivenClock))(
  'job queue on a driven clock: $name',
  (entry) => {
    const opened: QueueUnderTest[] = []
    const runners: JobRunner[] = []
    beforeAll(() => entry.setup())
    afterAll(() => entry.teardown())
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((r) => r.stop()))
      await Promise.all(opened.splice(0).map((q) => q.close()))
    })
    async function open(options: JobBackendOptions = {}) {
      const clock = manualClock()
      const under = await entry.open({ now: clock.now, ...options })
      opened.push(under)
      return { ...under.backend, clock, abandonNext: under.abandonNext }
    }
    function started(runner: JobRunner, handler: Parameters<JobRunner['start']>[0]): JobRunner {
      runners.push(runner)
      runner.start(handler)
      return runner
    }

    it('does not run a job before its runAt', async () => {
      const { queue, createRunner, clock } = await open()
      const job = await queue.enqueue({
        service: 's',
        input: 1,
        runAt: new Date(clock.now() + 60_000),
      })
      const runner = started(createRunner(fast), () => Promise.resolve('ran'))
      await runner.drain()
      expect((await queue.get(job.id))?.state).toBe('queued')
      clock.advance(60_000)
      await runner.drain()
      expect((await queue.get(job.id))?.output).toBe('ran')
    })

    it("keeps each attempt's start and end, and the time the job finished", async () => {
      const { queue, createRunner, clock } = await open()
      const job = await queue.enqueue({ service: 's', input: 1 })
      const started_ = clock.now()
      const runner = started(createRunner(fast), () => {
        clock.advance(250)
        return Promise.resolve({ id: '001xx' })
      })
      await runner.drain()
      const done = await queue.get(job.id)
      expect(done).toMatchObject({ state: 'succeeded', output: { id: '001xx' }, lastError: null })
      expect(done?.finishedAt?.getTime()).toBe(started_ + 250)
      expect(done?.attemptHistory).toEqual([
        {
          attempt: 1,
          startedAt: new Date(started_),
          endedAt: new Date(started_ + 250),
          outcome: 'succeeded',
          errorMessage: null,
          errorCode: null,
        },
      ])
    })

    it("waits the retry policy's backoff before the next attempt", async () => {
      // No jitter: a retry waits half of the planned delay, baseMs doubled per failed attempt.
      const retry = new RetryPolicy({ backoff: { baseMs: 10_000, maxMs: 60_000 }, random: () => 0 })
      const { queue, createRunner, clock } = await open({ retry })
      const job = await queue.enqueue({ service: 's', input: 1, maxAttempts: 3 })
      let calls = 0
      const runner = started(createRunner(fast), () =>
        ++calls < 3
          ? Promise.reject(Object.assign(new Error('row locked'), { code: 'UNABLE_TO_LOCK_ROW' }))
          : Promise.resolve('done'),
      )
      await runner.drain()
      const waiting = await queue.get(job.id)
      expect(waiting).toMatchObject({
        state: 'queued',
        attempts: 1,
        lastError: { message: 'row locked', code: 'UNABLE_TO_LOCK_ROW' },
      })
      expect(waiting?.runAt.getTime()).toBe(clock.now() + 5_000)
      clock.advance(4_999)
      await runner.drain()
      expect(calls).toBe(1)
      clock.advance(1)
      await runner.drain()
      expect(calls).toBe(2)
      expect((await queue.get(job.id))?.runAt.getTime()).toBe(clock.now() + 10_000)
      clock.advance(10_000)
      await runner.drain()
      expect(await queue.get(job.id)).toMatchObject({ state: 'succeeded', attempts: 3 })
    })

    it('splits ties of creation time when paging', async () => {
      const { queue, clock } = await open()
      const ids: string[] = []
      for (let i = 0; i < 7; i++) {
        ids.push((await queue.enqueue({ service: 's', input: i })).id)
        if (i % 2 === 1) clock.advance(1) // pairs share a timestamp
      }
      const seen: string[] = []
      let cursor: string | undefined
      do {
        const page = await queue.list({ limit: 2, ...(cursor ? { cursor } : {}) })
        seen.push(...page.jobs.map((j) => j.id))
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      expect(seen).toHaveLength(7)
      expect(new Set(seen)).toEqual(new Set(ids))
      expect(seen[0]).toBe(ids[6])
    })

    it('purges only jobs last changed before a time', async () => {
      const { queue, createRunner, clock } = await open()
      await queue.enqueue({ service: 's', input: 'old' })
      const runner = started(createRunner(fast), () => Promise.resolve(1))
      await runner.drain()
      clock.advance(10_000)
      const cutoff = new Date(clock.now())
      await queue.enqueue({ service: 's', input: 'new' })
      await runner.drain()
      expect(await queue.purge({ olderThan: cutoff })).toBe(1)
      expect((await queue.list()).jobs.map((j) => j.input)).toEqual(['new'])
    })

    it('renews the lease of a long job so that no other runner takes it', async () => {
      const { queue, createRunner, clock } = await open()
      const job = await queue.enqueue({ service: 'long', input: null })
      let release!: () => void
      const gate = new Promise<void>((r) => (release = r))
      let began = false
      const first = started(createRunner(fast), () => {
        began = true
        return gate
      })
      await vi.waitFor(() => expect(began).toBe(true))
      let stolen = 0
      started(createRunner(fast), () => Promise.resolve(void stolen++))
      // Four times 50 ms of a 60 ms lease: without renewals it would have run out by the second.
      for (let i = 0; i < 4; i++) {
        clock.advance(50)
        await vi.waitFor(async () => {
          const lockedUntil = (await queue.get(job.id))?.lockedUntil?.getTime() ?? 0
          expect(lockedUntil).toBe(clock.now() + 60)
        })
      }
      release()
      await first.drain()
      expect(stolen).toBe(0)
      expect(await queue.get(job.id)).toMatchObject({ state: 'succeeded', attempts: 1 })
    })

    it('runs again, after its lease, a job whose runner went silent', async () => {
      const { queue, createRunner, clock, abandonNext } = await open()
      const job = await queue.enqueue({ service: 's', input: 1 })
      expect(await abandonNext(1_000)).toBe(job.id)
      let calls = 0
      const runner = started(createRunner(fast), () => Promise.resolve(`run ${++calls}`))
      await runner.drain()
      clock.advance(999)
      await runner.drain()
      expect(calls).toBe(0)
      expect((await queue.get(job.id))?.state).toBe('running')
      clock.advance(2)
      await runner.drain()
      const done = await queue.get(job.id)
      expect(done).toMatchObject({ state: 'succeeded', attempts: 2, output: 'run 1' })
      expect(done?.attemptHistory.map((a) => [a.outcome, a.errorCode])).toEqual([
        ['lease-expired', 'JOB_LEASE_EXPIRED'],
        ['succeeded', null],
      ])
    })

    it('runs a job taken back from a silent runner in its place in line, not last', async () => {
      const { queue, createRunner, clock, abandonNext } = await open()
      const first = await queue.enqueue({ service: 's', input: 'first' })
      expect(await abandonNext(1_000)).toBe(first.id)
      for (const input of ['second', 'third']) await queue.enqueue({ service: 's', input })
      clock.advance(1_001)
      const order: unknown[] = []
      const runner = started(createRunner({ ...fast, concurrency: 1 }), (job) =>
        Promise.resolve(void order.push(job.input)),
      )
      await runner.drain()
      expect(order).toEqual(['first', 'second', 'third'])
    })

    it('leaves alone its own job whose lease ran out while this runner stalled', async () => {
      const { queue, createRunner, clock } = await open()
      const job = await queue.enqueue({ service: 'long', input: null })
      let release!: () => void
      const gate = new Promise<void>((r) => (release = r))
      let calls = 0
      started(createRunner({ ...fast, concurrency: 2 }), () => {
        calls++
        return gate.then(() => 'done')
      })
      await vi.waitFor(() => expect(calls).toBe(1))
      clock.advance(60_000) // as if the process had not run for a minute
      await vi.waitFor(async () => {
        const lockedUntil = (await queue.get(job.id))?.lockedUntil?.getTime() ?? 0
        expect(lockedUntil).toBe(clock.now() + 60)
      })
      release()
      await vi.waitFor(async () => expect((await queue.get(job.id))?.state).toBe('succeeded'))
      expect(calls).toBe(1)
      expect((await queue.get(job.id))?.attemptHistory.map((a) => a.outcome)).toEqual(['succeeded'])
    })

    it('moves to the dead letters a job whose last allowed attempt went silent', async () => {
      const { queue, createRunner, clock, abandonNext } = await open()
      const job = await queue.enqueue({ service: 's', input: 1, maxAttempts: 1 })
      await abandonNext(1_000)
      clock.advance(1_001)
      let calls = 0
      const runner = started(createRunner(fast), () => Promise.resolve(void calls++))
      await runner.drain()
      expect(calls).toBe(0)
      expect(await queue.get(job.id)).toMatchObject({
        state: 'dead',
        attempts: 1,
        lastError: { code: 'JOB_LEASE_EXPIRED' },
        attemptHistory: [{ outcome: 'lease-expired' }],
      })
    })

    it('aborts the handler of a runner whose job was taken over, and leaves the record to the new one', async () => {
      const { queue, createRunner, clock } = await open()
      const job = await queue.enqueue({ service: 'stalled', input: null })
      let aborted: unknown
      let began = false
      // Concurrency 1: its one slot stays taken, so the job can only go to the second runner.
      // A lease renewed once a second: between renewals the queue sees it run out.
      started(createRunner({ ...fast, leaseMs: 3_000, concurrency: 1 }), (_job, signal) => {
        began = true
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = signal.reason
            reject(new Error('stopped'))
          })
        })
      })
      await vi.waitFor(() => expect(began).toBe(true))
      const second = started(createRunner(fast), () => Promise.resolve('mine'))
      // Time moves on until the second runner finds the lease over (a renewal landing just
      // before its look would extend the lease again); the stalled runner hears of the takeover
      // at its next renewal.
      await vi.waitFor(
        () => {
          clock.advance(60_000)
          expect(aborted).toBeInstanceOf(ForcebridgeError)
        },
        { timeout: 10_000, interval: 100 },
      )
      expect((aborted as ForcebridgeError).code).toBe('JOB_LEASE_LOST')
      await second.drain()
      const done = await queue.get(job.id)
      expect(done).toMatchObject({ state: 'succeeded', attempts: 2, output: 'mine' })
      expect(done?.attemptHistory.map((a) => a.outcome)).toEqual(['lease-expired', 'succeeded'])
    })
  },
)
