// The pieces of a Bulk chunk run back to back when nothing else happens: a chain of
// Timers.soon() steps keeps the event loop turning until its last step, rather than one
// step per wake-up of the loop (an unref'd immediate let the loop block in its I/O poll,
// and a 100,000-row ingest job took its pace from the client's polling).

import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { Timers } from '../../src/emulator/bulk/timers.js'

const TIMERS = new URL('../../src/emulator/bulk/timers.ts', import.meta.url).href

describe('bulk timers', () => {
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
