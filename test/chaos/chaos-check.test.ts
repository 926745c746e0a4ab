// The chaos round's "0 lost, 0 duplicates" can fail: a short round whose org is tampered with
// after every job ended (one accepted record deleted, another stored twice) is reported by the
// same check `npm run chaos` uses. The check alone is fed a dead job that wrote anyway.
import { describe, expect, it } from 'vitest'
import { runChaosRound } from '../../bench/chaos/chaos-round.js'
import { checkChaosOutcome } from '../../bench/chaos/chaos-check.js'

describe('the chaos check', () => {
  it('counts a planted loss and a planted duplicate in a real round', async () => {
    let removed = ''
    let doubled = ''
    const report = await runChaosRound({
      seed: 5,
      calls: 24,
      kills: 0,
      concurrency: 4,
      beforeCheck: async ({ emulator, accepted }) => {
        expect(accepted.length).toBeGreaterThanOrEqual(2)
        removed = accepted[0]!
        doubled = accepted[1]!
        const at = { object: 'Invoice__c', field: 'Number__c' }
        expect(await emulator.plant({ kind: 'remove', ...at, value: removed })).toBe(1)
        expect(await emulator.plant({ kind: 'duplicate', ...at, value: doubled })).toBe(1)
      },
    })
    expect(report.lost).toEqual([expect.stringMatching(new RegExp(`^${removed} \\(job `))])
    expect(report.duplicates).toEqual([`${doubled}: 2 records`])
  }, 60_000)

  it('counts a dead job whose record was written as a duplicate, and an unsettled one', () => {
    const outcome = checkChaosOutcome(
      {
        accepted: ['A', 'B', 'C'],
        states: new Map([
          ['A', 'succeeded'],
          ['B', 'dead'],
          ['C', 'running'],
        ]),
        attempts: new Map([
          ['A', 2],
          ['B', 3],
        ]),
      },
      new Map([
        ['A', 1],
        ['B', 1],
      ]),
    )
    expect(outcome).toEqual({
      succeeded: 1,
      dead: 1,
      unsettled: 1,
      jobsRetried: 2,
      lost: ['C (job running)'],
      duplicates: ['B: written, yet its job ended dead'],
    })
  })
})
