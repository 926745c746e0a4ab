// The UsageStore contract (src/runtime/shared-state/usage-store.ts), run against every backend:
// time order kept, bounded series, rename and forget.
import { afterEach, describe, expect, it } from 'vitest'
import type { SharedState } from '../../../src/runtime/index.js'
import { sharedStateBackends } from './backends.js'

const at = (minute: number) => new Date(Date.UTC(2026, 11, 5, 12, minute))

for (const backend of sharedStateBackends) {
  describe(`UsageStore (${backend.name})`, () => {
    let state: SharedState | undefined
    const open = async () => (state = await backend.open({ usagePoints: 3 }))
    afterEach(async () => {
      if (state) await backend.close(state)
      state = undefined
    })

    it('keeps samples in time order and drops one not newer than the last', async () => {
      const { usage } = await open()
      await usage.record('prod', { used: 10, max: 1000, at: at(1) })
      await usage.record('prod', { used: 12, max: 1000, at: at(2) })
      // An older figure read again after a newer one (two clients feed one series).
      await usage.record('prod', { used: 11, max: 1000, at: at(2) })
      await usage.record('prod', { used: 9, max: 1000, at: at(0) })
      await usage.record('prod', undefined)
      expect(await usage.series('prod')).toEqual([
        { at: at(1).toISOString(), used: 10, max: 1000 },
        { at: at(2).toISOString(), used: 12, max: 1000 },
      ])
      expect(await usage.series('other')).toEqual([])
    })

    it('keeps only the newest points, per connection', async () => {
      const { usage } = await open()
      for (let m = 0; m < 5; m++) await usage.record('prod', { used: m, max: 50, at: at(m) })
      await usage.record('sandbox', { used: 1, max: 50, at: at(0) })
      expect((await usage.series('prod')).map((p) => p.used)).toEqual([2, 3, 4])
      expect(await usage.series('sandbox')).toHaveLength(1)
    })

    it('moves a series on rename and drops it on forget', async () => {
      const { usage } = await open()
      await usage.record('old', { used: 1, max: 50, at: at(1) })
      await usage.rename('old', 'new')
      expect(await usage.series('old')).toEqual([])
      expect((await usage.series('new')).map((p) => p.used)).toEqual([1])
      await usage.rename('missing', 'other')
      expect(await usage.series('other')).toEqual([])
      await usage.forget('new')
      expect(await usage.series('new')).toEqual([])
    })

    it('hands out copies of the series', async () => {
      const { usage } = await open()
      await usage.record('prod', { used: 1, max: 50, at: at(1) })
      const copy = await usage.series('prod')
      copy.length = 0
      expect(await usage.series('prod')).toHaveLength(1)
    })
  })
}
