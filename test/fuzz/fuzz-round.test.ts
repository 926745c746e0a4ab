// A short seeded fuzz round (bench/fuzz) in the suite: the emulator and `forcebridge start` as
// child processes, a couple of thousand malformed requests to channels, the admin API and
// dashboard, the emulator's REST, OAuth, Bulk, SOAP and Pub/Sub endpoints. `npm run fuzz`
// runs longer rounds with other seeds.
import { describe, expect, it } from 'vitest'
import { runFuzzRound } from '../../bench/fuzz/fuzz-round.js'

describe('fuzz round', () => {
  it('sends 2,000 seeded malformed requests: no crash, no hang, no unexpected 5xx', async () => {
    const report = await runFuzzRound({ seed: 17, count: 2000, concurrency: 12 })
    expect(report.sent).toBe(2000)
    expect(report.crashes).toEqual([])
    expect(report.hangs).toEqual([])
    expect(report.serverErrors).toEqual([])
    // Every kind of target was reached.
    expect(Object.keys(report.byTarget).sort()).toEqual(['emulator', 'grpc', 'runtime'])
  }, 120_000)
})
