// Concurrent claimers on one queue, on every backend: each due job is claimed exactly once, and a
// claimer never comes back empty while due jobs remain beyond those the other claimers are
// taking at that moment (on PostgreSQL, what FOR UPDATE SKIP LOCKED buys: without it, claimers
// queue behind the same row and most of them come back empty).
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
      const claimer = async () => {
        for (;;) {
          const claim = await under.store.jobs.claimNext(Date.now(), 60_000)
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
})
