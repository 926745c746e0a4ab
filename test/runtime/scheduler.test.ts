// Cron schedules kept in the store and fired through an enqueue callback, on a hand-moved clock.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createJobBackend, type EnqueueRequest } from '../../src/runtime/queue/index.js'
import {
  createScheduler,
  type Scheduler,
  type SchedulerClock,
  type SchedulerOptions,
} from '../../src/runtime/scheduler/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { hasCode } from '../../src/util/index.js'
import { storeDialects, useStoreDialect, type StoreDialect } from '../fixtures/store-dialects.js'

const dialects = storeDialects('scheduler')
/** The dialect of the block running now. */
let dialect: StoreDialect

const dir = mkdtempSync(join(tmpdir(), 'fb-scheduler-'))
let counter = 0
const opened: Store[] = []
const schedulers: Scheduler[] = []
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()))
  await Promise.all(opened.splice(0).map((store) => store.close()))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const at = (iso: string) => Date.parse(iso)

/** A clock whose timers fire only when the test moves time past them. */
function manualClock(start: number) {
  let now = start
  let seq = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  const clock: SchedulerClock & { set(time: number): void; pending(): number } = {
    now: () => now,
    setTimeout(callback, ms) {
      timers.set(++seq, { at: now + ms, callback })
      return seq
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    set(time) {
      now = time
      for (const [id, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(id)
          timer.callback()
        }
      }
    },
    pending: () => timers.size,
  }
  return clock
}

async function openDb() {
  // On PostgreSQL every store of a test shares the test's (emptied) database, as processes would.
  const store = await openStore({ home: join(dir, `home-${++counter}`), ...dialect.options() })
  opened.push(store)
  return store
}

function recorder() {
  const requests: EnqueueRequest[] = []
  return { requests, enqueue: (r: EnqueueRequest) => Promise.resolve(void requests.push(r)) }
}

function scheduler(store: Store, clock: SchedulerClock, extra: Partial<SchedulerOptions> = {}) {
  const { requests, enqueue } = recorder()
  const s = createScheduler({ store, clock, enqueue, ...extra })
  schedulers.push(s)
  return { scheduler: s, requests }
}

const hourly = { name: 'hourly sync', cron: '0 * * * *', service: 'sync', input: { full: false } }

describe.each(dialects)('scheduler ($name)', (each) => {
  useStoreDialect(each)
  beforeEach(() => {
    dialect = each
  })

  it('rejects a bad pattern, time zone or duplicate name, saying which', async () => {
    const { scheduler: s } = scheduler(await openDb(), manualClock(at('2026-11-29T10:00:00Z')))
    const badCron = await s.add({ ...hourly, cron: '61 * * * *' }).catch((e: unknown) => e)
    expect(hasCode(badCron, 'INVALID_SCHEDULE')).toBe(true)
    expect((badCron as Error).message).toContain('61 * * * *')
    const badZone = await s.add({ ...hourly, timezone: 'Mars/Olympus' }).catch((e: unknown) => e)
    expect(hasCode(badZone, 'INVALID_SCHEDULE')).toBe(true)
    expect((badZone as Error).message).toContain('timezone')
    await s.add(hourly)
    expect(hasCode(await s.add(hourly).catch((e: unknown) => e), 'SCHEDULE_EXISTS')).toBe(true)
    expect((await s.list()).map((x) => x.name)).toEqual(['hourly sync'])
  })

  it('shows the next run, reading the pattern in the schedule time zone', async () => {
    const { scheduler: s } = scheduler(await openDb(), manualClock(at('2026-11-29T12:00:00Z')))
    await s.add({ name: 'paris', cron: '0 9 * * *', timezone: 'Europe/Paris', service: 'x' })
    await s.add({ name: 'utc', cron: '0 9 * * *', service: 'x', enabled: false })
    const [paris, utc] = await s.list()
    expect(paris).toMatchObject({ enabled: true, missedRunPolicy: 'skip', lastRunAt: null })
    expect(paris?.nextRunAt).toEqual(new Date('2026-11-30T08:00:00Z')) // CET is UTC+1 in winter
    expect(utc?.nextRunAt).toBeNull()
  })

  it('fires a due run once, with its run time as idempotency key', async () => {
    const clock = manualClock(at('2026-11-29T10:00:30Z'))
    const { scheduler: s, requests } = scheduler(await openDb(), clock)
    await s.add(hourly)
    expect(await s.tick()).toEqual([])
    clock.set(at('2026-11-29T11:00:00.200Z'))
    const [run] = await s.tick()
    expect(run).toMatchObject({ missed: false, runAt: new Date('2026-11-29T11:00:00Z') })
    expect(await s.tick()).toEqual([])
    expect(requests).toEqual([
      {
        service: 'sync',
        input: { full: false },
        idempotencyKey: 'schedule:hourly sync:2026-11-29T11:00:00.000Z',
        correlationId: 'schedule:hourly sync:2026-11-29T11:00:00.000Z',
      },
    ])
    expect(await s.get('hourly sync')).toMatchObject({
      lastRunAt: new Date('2026-11-29T11:00:00Z'),
      nextRunAt: new Date('2026-11-29T12:00:00Z'),
    })
  })

  describe('runs missed while the process was down', () => {
    // Added at 10:00:30, process down until 15:30: the runs of 11:00 to 15:00 were missed.
    async function restartAfterOutage(
      policy: 'skip' | 'run-once' | 'run-all',
      maxCatchUp?: number,
    ) {
      const db = await openDb()
      const before = scheduler(db, manualClock(at('2026-11-29T10:00:30Z'))).scheduler
      await before.add({
        ...hourly,
        missedRunPolicy: policy,
        ...(maxCatchUp ? { maxCatchUp } : {}),
      })
      const after = scheduler(db, manualClock(at('2026-11-29T15:30:00Z')))
      await after.scheduler.start()
      return { ...after, times: after.requests.map((r) => r.idempotencyKey?.slice(-24)) }
    }

    it('skip drops them and waits for the next run', async () => {
      const { scheduler: s, requests } = await restartAfterOutage('skip')
      expect(requests).toEqual([])
      expect(await s.get('hourly sync')).toMatchObject({
        lastRunAt: null,
        nextRunAt: new Date('2026-11-29T16:00:00Z'),
      })
      expect(await s.tick()).toEqual([])
    })

    it('run-once fires only the latest', async () => {
      const { times } = await restartAfterOutage('run-once')
      expect(times).toEqual(['2026-11-29T15:00:00.000Z'])
    })

    it('run-all fires each, oldest first', async () => {
      const { times } = await restartAfterOutage('run-all')
      expect(times).toEqual(['11', '12', '13', '14', '15'].map((h) => `2026-11-29T${h}:00:00.000Z`))
    })

    it('run-all fires at most maxCatchUp, the latest ones', async () => {
      const { times, scheduler: s } = await restartAfterOutage('run-all', 2)
      expect(times).toEqual(['2026-11-29T14:00:00.000Z', '2026-11-29T15:00:00.000Z'])
      expect(await s.tick()).toEqual([])
    })

    it('a run less than the grace period late is on time, not missed', async () => {
      const db = await openDb()
      await scheduler(db, manualClock(at('2026-11-29T10:00:30Z'))).scheduler.add(hourly)
      const after = scheduler(db, manualClock(at('2026-11-29T11:00:40Z')))
      expect(await after.scheduler.tick()).toMatchObject([{ missed: false }])
    })
  })

  it('does not fire a disabled schedule, and counts from the moment it is enabled', async () => {
    const clock = manualClock(at('2026-11-29T10:00:30Z'))
    const { scheduler: s, requests } = scheduler(await openDb(), clock)
    await s.add({ ...hourly, missedRunPolicy: 'run-all' })
    await s.enable('hourly sync', false)
    clock.set(at('2026-11-29T14:30:00Z'))
    expect(await s.tick()).toEqual([])
    await s.enable('hourly sync')
    await s.enable('hourly sync') // twice changes nothing
    clock.set(at('2026-11-29T15:00:01Z'))
    await s.tick()
    expect(requests.map((r) => r.idempotencyKey)).toEqual([
      'schedule:hourly sync:2026-11-29T15:00:00.000Z',
    ])
    expect(hasCode(await s.enable('nope').catch((e: unknown) => e), 'SCHEDULE_NOT_FOUND')).toBe(
      true,
    )
  })

  it('fires on its own timer once started, until stopped', async () => {
    const clock = manualClock(at('2026-11-29T10:00:30Z'))
    const { scheduler: s, requests } = scheduler(await openDb(), clock, { maxSleepMs: 3_600_000 })
    await s.add({ name: 'every minute', cron: '* * * * *', service: 'tick' })
    await s.start()
    await vi.waitFor(() => expect(clock.pending()).toBe(1))
    clock.set(at('2026-11-29T10:01:00Z'))
    await vi.waitFor(() => expect(requests).toHaveLength(1))
    await vi.waitFor(() => expect(clock.pending()).toBe(1))
    clock.set(at('2026-11-29T10:02:00Z'))
    await vi.waitFor(() => expect(requests).toHaveLength(2))
    await s.stop()
    expect(clock.pending()).toBe(0)
    clock.set(at('2026-11-29T10:03:00Z'))
    expect(requests.map((r) => r.idempotencyKey?.slice(-24))).toEqual([
      '2026-11-29T10:01:00.000Z',
      '2026-11-29T10:02:00.000Z',
    ])
  })

  it('fires a run once when two schedulers check the same database together', async () => {
    const db = await openDb()
    const clock = manualClock(at('2026-11-29T10:00:30Z'))
    const a = scheduler(db, clock)
    // On PostgreSQL the second scheduler is another store (another process's pool); two SQLite
    // stores in one process would block each other's thread, so there they share one.
    const b = scheduler(each.name === 'postgres' ? await openDb() : db, clock)
    await a.scheduler.add(hourly)
    clock.set(at('2026-11-29T11:00:00Z'))
    await Promise.all([a.scheduler.tick(), b.scheduler.tick(), a.scheduler.tick()])
    expect(a.requests.length + b.requests.length).toBe(1)
  })

  it('keeps firing the other schedules when one cannot be read', async () => {
    const db = await openDb()
    const clock = manualClock(at('2026-11-29T10:00:30Z'))
    const errors: unknown[] = []
    const { scheduler: s, requests } = scheduler(db, clock, { onError: (e) => errors.push(e) })
    await s.add(hourly)
    await s.add({ ...hourly, name: 'broken' })
    // As if written by a future version or by hand: a zone this runtime does not know.
    await db.schedules.update('broken', { timezone: 'Nowhere/Land' })
    clock.set(at('2026-11-29T11:00:00Z'))
    expect(await s.tick()).toMatchObject([{ schedule: 'hourly sync' }])
    expect(requests).toHaveLength(1)
    expect(errors).toHaveLength(1)
    expect((await s.list()).map((x) => [x.name, x.nextRunAt])).toEqual([
      ['broken', null],
      ['hourly sync', new Date('2026-11-29T12:00:00Z')],
    ])
  })

  it('tries again a run whose enqueue failed, with the same key', async () => {
    const clock = manualClock(at('2026-11-29T10:00:30Z'))
    const keys: string[] = []
    let failures = 1
    const errors: unknown[] = []
    const s = createScheduler({
      store: await openDb(),
      clock,
      onError: (error) => errors.push(error),
      enqueue: (request) => {
        if (failures-- > 0) return Promise.reject(new Error('database is locked'))
        keys.push(request.idempotencyKey ?? '')
        return Promise.resolve()
      },
    })
    await s.add(hourly)
    clock.set(at('2026-11-29T11:00:00Z'))
    expect(await s.tick()).toEqual([])
    expect(hasCode(errors[0], 'SCHEDULE_ENQUEUE_FAILED')).toBe(true)
    expect((await s.get('hourly sync'))?.lastRunAt).toBeNull()
    clock.set(at('2026-11-29T11:00:20Z'))
    await s.tick()
    expect(keys).toEqual(['schedule:hourly sync:2026-11-29T11:00:00.000Z'])
  })

  it('replaces a schedule keeping its history, and removes one', async () => {
    const clock = manualClock(at('2026-11-29T10:00:30Z'))
    const { scheduler: s, requests } = scheduler(await openDb(), clock)
    await s.add(hourly)
    clock.set(at('2026-11-29T11:00:00Z'))
    await s.tick()
    const replaced = await s.add({ ...hourly, input: { full: true } }, { replace: true })
    expect(replaced).toMatchObject({
      input: { full: true },
      lastRunAt: new Date('2026-11-29T11:00:00Z'),
    })
    expect(await s.tick()).toEqual([])
    expect(await s.remove('hourly sync')).toBe(true)
    expect(await s.remove('hourly sync')).toBe(false)
    clock.set(at('2026-11-29T12:00:00Z'))
    expect(await s.tick()).toEqual([])
    expect(await s.get('hourly sync')).toBeNull()
    expect(requests).toHaveLength(1)
  })

  it('sends its runs through the durable queue, one job per run', async () => {
    const store = await openDb()
    const clock = manualClock(at('2026-11-29T10:00:30Z'))
    const { queue } = createJobBackend(store, { now: () => clock.now() })
    const s = createScheduler({
      store,
      clock,
      enqueue: (request, tx) => queue.within(tx).enqueue(request),
    })
    schedulers.push(s)
    await s.add({ ...hourly, missedRunPolicy: 'run-all' })
    clock.set(at('2026-11-29T12:00:05Z'))
    await s.tick()
    const { jobs } = await queue.list()
    const rows = jobs.map((j) => [j.idempotencyKey, j.service, j.input, j.state])
    expect(rows.sort()).toEqual([
      ['schedule:hourly sync:2026-11-29T11:00:00.000Z', 'sync', { full: false }, 'queued'],
      ['schedule:hourly sync:2026-11-29T12:00:00.000Z', 'sync', { full: false }, 'queued'],
    ])
  })

  it('claims a run and enqueues its job together: a failure between them undoes both', async () => {
    const store = await openDb()
    const clock = manualClock(at('2026-11-29T10:00:30Z'))
    const { queue } = createJobBackend(store, { now: () => clock.now() })
    let crash = true
    const s = createScheduler({
      store,
      clock,
      onError: () => undefined,
      enqueue: async (request, tx) => {
        await queue.within(tx).enqueue(request)
        if (crash) throw new Error('the process died after the insert')
      },
    })
    schedulers.push(s)
    await s.add(hourly)
    clock.set(at('2026-11-29T11:00:00Z'))
    expect(await s.tick()).toEqual([])
    expect((await queue.list()).jobs).toEqual([])
    expect((await s.get('hourly sync'))?.lastRunAt).toBeNull()
    crash = false
    clock.set(at('2026-11-29T11:00:30Z'))
    expect(await s.tick()).toHaveLength(1)
    expect((await queue.list()).jobs.map((j) => j.idempotencyKey)).toEqual([
      'schedule:hourly sync:2026-11-29T11:00:00.000Z',
    ])
  })
})
