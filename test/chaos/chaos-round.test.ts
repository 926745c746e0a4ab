// A short chaos round (bench/chaos) in the suite: sync and async upserts through a channel of
// `forcebridge start` while the emulator injects 503s, lock errors, resets, maintenance pages
// and session expiry, and the runtime is SIGKILLed twice and restarted. `npm run chaos` runs
// longer rounds.
import { describe, expect, it } from 'vitest'
import { runChaosRound } from '../../bench/chaos/chaos-round.js'

describe('chaos round', () => {
  it('loses no accepted async job and writes no record twice through faults and two SIGKILLs', async () => {
    const report = await runChaosRound({ seed: 17, calls: 180, kills: 2 })
    expect(report.kills).toBe(2)
    expect(report.async.accepted).toBeGreaterThan(40)
    expect(report.lost).toEqual([])
    expect(report.duplicates).toEqual([])
    expect(report.async.unsettled).toBe(0)
    // Faults were met: sessions expired (more than one login) and calls were answered.
    expect(report.logins).toBeGreaterThan(1)
    expect(report.sync.ok).toBeGreaterThan(40)
    // Injected faults were retried: more calls reached the org than records were written.
    expect(report.emulatorRequests).toBeGreaterThan(report.sync.ok + report.async.succeeded)
  }, 120_000)
})
