// Concurrent claimers on one queue, on every backend: each due job is claimed exactly once, and a
// claimer never comes back empty while due jobs remain beyond those the other claimers are
// taking at that moment. On PostgreSQL, a claim never waits for another one that has not
// committed yet: FOR UPDATE SKIP LOCKED passes over its row (without it, the second claimer
// waits for the first to commit, then finds its row taken and comes back empty).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QUEUE_BACKENDS } from './fixtures/queue-backends.js'

const JOBS = 200
const CLAIMERS = 8

describe.each(QUEUE_BACKENDS)('concurrent claims: $name', (entry) => {
  beforeAll(() => entry.setup())
  afterAll(() => entry.teardown())

  it(`gives ${CLAIMERS} claimers every due job once, and no empty claim while work waits`, async () => {
    const under = await entry.open({})
    try {
      const { queue } = under.backend
      for (let i = 0; i < JOBS; i++) await queue.enqueue({ service: 's', input: i })
      const claimed: string[] = []
      /** Empty claims made while more jobs were left than claimers could be holding. */
      const earlyEmpties: number[] = []
      // On PostgreSQL two stores, as two processes would have: claimers on separate pools as well
      // as sharing one. (Two SQLite stores in one process would block each other's thread.)
      const stores =
        entry.name === 'postgres' ? [under.store, await under.openAnother()] : [under.store]
      const claimer = async (_: unknown, n: number) => {
        const store = stores[n % stores.length]!
        for (;;) {
          const claim = await store.jobs.claimNext(Date.now(), 60_000)
          if (claim) {
            claimed.push(claim.row.id)
            continue
          }
          // At most CLAIMERS - 1 other claims were in flight (locked, or committed and not yet
          // counted here): anything more left behind is a claim that came back empty for nothing.
          const left = JOBS - claimed.length
          if (left > 2 * (CLAIMERS - 1)) earlyEmpties.push(left)
          return
        }
      }
      await Promise.all(Array.from({ length: CLAIMERS }, claimer))
      expect(earlyEmpties).toEqual([])
      expect(claimed).toHaveLength(JOBS)
      expect(new Set(claimed).size).toBe(JOBS)
      expect((await queue.stats()).running).toBe(JOBS)
    } finally {
      await under.close()
    }
  })
  it.runIf(entry.name === 'postgres')(
    'claims the next jobs while another claim holds its row uncommitted',
    async () => {
      const under = await entry.open({})
      try {
        for (let i = 0; i < 6; i++) await under.backend.queue.enqueue({ service: 's', input: i })
        let entered!: (id: string) => void
        const first = new Promise<string>((resolve) => (entered = resolve))
        let release!: () => void
        const hold = new Promise<void>((resolve) => (release = resolve))
        const holding = under.store.transaction(async (tx) => {
          const claim = await tx.jobs.claimNext(Date.now(), 60_000)
          entered(claim?.row.id ?? '')
          await hold
        })
        const heldId = await first
        const other = await under.openAnother()
        const claims = Promise.all(
          Array.from({ length: 5 }, () => other.jobs.claimNext(Date.now(), 60_000)),
        )
        // A claim that waited for the held row would not settle before the release.
        const settled = await Promise.race([
          claims,
          new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 5_000)),
        ])
        release()
        await holding
        expect(settled).not.toBe('waiting')
        const ids = (settled as Awaited<typeof claims>).map((c) => c?.row.id)
        expect(ids.every((id) => id !== undefined && id !== heldId)).toBe(true)
        expect(new Set(ids).size).toBe(5)
      } finally {
        await under.close()
      }
    },
  )
})
