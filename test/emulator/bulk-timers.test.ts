// The pieces of a Bulk chunk run back to back when nothing else happens: a chain of
// Timers.soon() steps keeps the event loop turning until its last step, rather than one
// step per wake-up of the loop (an unref'd immediate let the loop block in its I/O poll,
// and a 100,000-row ingest job took its pace from the client's polling).

import { execFileSync } from 'node:child_process'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Timers } from '../../src/emulator/bulk/timers.js'

const TIMERS = new URL('../../src/emulator/bulk/timers.ts', import.meta.url).href

describe('bulk timers', () => {
  afterEach(() => vi.useRealTimers())

  it('fits a slice, commit included, in its time budget once it has seen a commit', () => {
    // Each row costs 1 ms in the loop and 3 ms more when the slice's transaction commits (the
    // rows written to storage, their change events made): a 20 ms budget holds 5 rows, not 20.
    vi.useFakeTimers({ toFake: ['performance'] })
    const timers = new Timers(0, 20)
    const rowsPerSlice: number[] = []
    for (let i = 0; i < 12; i++) {
      const slice = timers.slice()
      let rows = 0
      do {
        vi.advanceTimersByTime(1)
        rows++
      } while (!slice.spent())
      vi.advanceTimersByTime(3 * rows)
      slice.end()
      rowsPerSlice.push(rows)
    }
    // The first slice knows no commit cost yet and holds the loop 80 ms; later ones learn it
    // and end within one row (4 ms) of the budget.
    expect(rowsPerSlice[0]).toBe(20)
    expect(rowsPerSlice.at(-1)! * 4).toBeLessThanOrEqual(20 + 4)
  })

  it('keeps the event loop running its chained soon() steps until the last one', () => {
    // Alone in a process, with nothing else to wait for: every step must run before the
    // process exits (an unref'd step lets the loop end, or block in its poll, in between).
    const script = `
      import { Timers } from ${JSON.stringify(TIMERS)}
      const timers = new Timers(0)
      let steps = 0
      const step = () => { if (++steps < 300) timers.soon(step) }
      timers.soon(step)
      process.on('exit', () => console.log('steps=' + steps))
    `
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    )
    expect(out.trim()).toBe('steps=300')
  })

  it('drops the pending steps on stop()', async () => {
    const timers = new Timers(0)
    let ran = false
    timers.soon(() => (ran = true))
    timers.later(() => (ran = true))
    timers.stop()
    await new Promise((r) => setTimeout(r, 20))
    expect(ran).toBe(false)
  })
})
