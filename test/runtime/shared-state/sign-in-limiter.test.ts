// The SignInLimiter contract (src/runtime/shared-state/sign-in-limiter.ts), run against every
// backend on a driven clock, with today's numbers in 15 minutes: 5 failures per user name and
// address, 20 per address, and per user name a backoff past 10 (1 s doubling to 60 s).
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

    it('blocks a user name on an address after 5 failures until the oldest is 15 minutes old', async () => {
      const { signIn } = await open()
      const keys = ['pair:127.0.0.1 ops', 'ip:127.0.0.1', 'user:ops']
      for (let i = 0; i < 5; i++) {
        expect(await signIn.retryAfter(keys)).toBe(0)
        await signIn.fail(keys)
        clock.advance(60_000)
      }
      // The oldest failure was 5 minutes ago: 10 minutes to go, in whole seconds.
      expect(await signIn.retryAfter(keys)).toBe(600)
      expect(await signIn.retryAfter(['pair:10.0.0.1 ops', 'ip:10.0.0.1', 'user:ops'])).toBe(0)
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

    it('clears one key on success, not the address', async () => {
      const { signIn } = await open()
      for (let i = 0; i < 5; i++) await signIn.fail(['pair:10.0.0.7 ops', 'ip:10.0.0.7'])
      expect(await signIn.retryAfter(['pair:10.0.0.7 ops'])).toBeGreaterThan(0)
      await signIn.succeed('pair:10.0.0.7 ops')
      expect(await signIn.retryAfter(['pair:10.0.0.7 ops'])).toBe(0)
      for (let i = 0; i < 15; i++) await signIn.fail([`user:x${i}`, 'ip:10.0.0.7'])
      // 5 + 15 failures from that address: the success did not wipe its count.
      expect(await signIn.retryAfter(['ip:10.0.0.7'])).toBe(900)
    })

    it('slows a user name past 10 failures from anywhere, 1 s doubling to 60 s', async () => {
      const { signIn } = await open()
      for (let i = 0; i < 10; i++) await signIn.fail(['user:ops'])
      expect(await signIn.retryAfter(['user:ops'])).toBe(0)
      const waits: number[] = []
      for (let i = 0; i < 8; i++) {
        await signIn.fail(['user:ops'])
        waits.push(await signIn.retryAfter(['user:ops']))
        clock.advance(1)
      }
      expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60])
      clock.advance(60_000)
      expect(await signIn.retryAfter(['user:ops'])).toBe(0)
    })

    it('lists the keys blocked now, longest wait first, and clears one', async () => {
      const { signIn } = await open()
      for (let i = 0; i < 5; i++) await signIn.fail(['pair:10.0.0.5 ops', 'user:ops'])
      for (let i = 0; i < 20; i++) await signIn.fail(['ip:10.0.0.6'])
      clock.advance(60_000)
      // Equal waits: compared in key order.
      const listed = (await signIn.lockouts()).sort((a, b) => (a.key < b.key ? -1 : 1))
      expect(listed).toEqual([
        { key: 'ip:10.0.0.6', failures: 20, retryAfter: 840 },
        { key: 'pair:10.0.0.5 ops', failures: 5, retryAfter: 840 },
      ])
      await signIn.succeed('ip:10.0.0.6')
      expect((await signIn.lockouts()).map((l) => l.key)).toEqual(['pair:10.0.0.5 ops'])
    })
  })
}
