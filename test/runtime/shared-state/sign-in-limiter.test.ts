// The SignInLimiter contract (src/runtime/shared-state/sign-in-limiter.ts), run against every
// backend on a driven clock, with today's numbers: 5 failures per user name and 20 per address
// in 15 minutes.
import { afterEach, describe, expect, it } from 'vitest'
import type { SharedState } from '../../../src/runtime/index.js'
import { drivenClock, sharedStateBackends } from './backends.js'

for (const backend of sharedStateBackends) {
  describe(`SignInLimiter (${backend.name})`, () => {
    let state: SharedState | undefined
    const clock = drivenClock()
    const open = async () => (state = await backend.open({ now: clock.now }))
    afterEach(async () => {
      if (state) await backend.close(state)
      state = undefined
    })

    it('blocks a user name after 5 failures until the oldest is 15 minutes old', async () => {
      const { signIn } = await open()
      const keys = ['user:ops', 'ip:127.0.0.1']
      for (let i = 0; i < 5; i++) {
        expect(await signIn.retryAfter(keys)).toBe(0)
        await signIn.fail(keys)
        clock.advance(60_000)
      }
      // The oldest failure was 5 minutes ago: 10 minutes to go, in whole seconds.
      expect(await signIn.retryAfter(keys)).toBe(600)
      expect(await signIn.retryAfter(['user:other', 'ip:10.0.0.1'])).toBe(0)
      clock.advance(599_999)
      expect(await signIn.retryAfter(keys)).toBe(1)
      clock.advance(1)
      expect(await signIn.retryAfter(keys)).toBe(0)
    })

    it('blocks an address after 20 failures across user names', async () => {
      const { signIn } = await open()
      for (let i = 0; i < 19; i++) await signIn.fail([`user:u${i}`, 'ip:10.0.0.9'])
      expect(await signIn.retryAfter(['user:fresh', 'ip:10.0.0.9'])).toBe(0)
      await signIn.fail(['user:u19', 'ip:10.0.0.9'])
      expect(await signIn.retryAfter(['user:fresh', 'ip:10.0.0.9'])).toBe(900)
      expect(await signIn.retryAfter(['user:fresh', 'ip:10.0.0.8'])).toBe(0)
    })

    it('clears a user name on success, not the address', async () => {
      const { signIn } = await open()
      for (let i = 0; i < 5; i++) await signIn.fail(['user:ops', 'ip:10.0.0.7'])
      expect(await signIn.retryAfter(['user:ops'])).toBeGreaterThan(0)
      await signIn.succeed('user:ops')
      expect(await signIn.retryAfter(['user:ops'])).toBe(0)
      for (let i = 0; i < 15; i++) await signIn.fail([`user:x${i}`, 'ip:10.0.0.7'])
      // 5 + 15 failures from that address: the success did not wipe its count.
      expect(await signIn.retryAfter(['ip:10.0.0.7'])).toBe(900)
    })
  })
}
