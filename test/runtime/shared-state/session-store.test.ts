// The SessionStore contract (src/runtime/shared-state/session-store.ts), run against every
// backend on a driven clock: idle and absolute expiry, touch versus get, sign-out everywhere.
import { afterEach, describe, expect, it } from 'vitest'
import type { SharedState } from '../../../src/runtime/index.js'
import { drivenClock, sharedStateBackends } from './backends.js'

for (const backend of sharedStateBackends) {
  describe(`SessionStore (${backend.name})`, () => {
    let state: SharedState | undefined
    const clock = drivenClock()
    const open = async () =>
      (state = await backend.open({
        now: clock.now,
        sessions: { ttlMs: 10_000, idleMs: 3_000 },
      }))
    afterEach(async () => {
      if (state) await backend.close(state)
      state = undefined
    })

    it('makes unguessable, distinct ids and CSRF tokens and finds the session by id', async () => {
      const { sessions } = await open()
      const a = await sessions.create('ops')
      const b = await sessions.create('Διαχειριστής')
      expect(new Set([a.id, b.id, a.csrfToken, b.csrfToken]).size).toBe(4)
      // 256 bits in base64url.
      for (const token of [a.id, a.csrfToken]) expect(token).toMatch(/^[\w-]{43}$/)
      expect(await sessions.get(b.id)).toEqual(b)
      expect(await sessions.get('no-such-id')).toBeUndefined()
      expect(sessions.maxAgeSeconds).toBe(10)
    })

    it('ends a session left idle; get does not restart the idle clock, touch does', async () => {
      const { sessions } = await open()
      const s = await sessions.create('ops')
      clock.advance(2_000)
      expect((await sessions.get(s.id))?.lastSeenAt).toBe(s.createdAt)
      clock.advance(999)
      expect((await sessions.touch(s.id))?.lastSeenAt).toBe(clock.now())
      clock.advance(2_999)
      expect(await sessions.get(s.id)).toBeDefined()
      clock.advance(1)
      expect(await sessions.get(s.id)).toBeUndefined()
      expect(await sessions.touch(s.id)).toBeUndefined()
    })

    it('ends a busy session at its absolute lifetime: touch never extends it', async () => {
      const { sessions } = await open()
      const s = await sessions.create('ops')
      for (let i = 0; i < 4; i++) {
        clock.advance(2_000)
        expect((await sessions.touch(s.id))?.user).toBe('ops')
      }
      clock.advance(1_999)
      expect(await sessions.touch(s.id)).toBeDefined()
      clock.advance(1)
      expect(await sessions.touch(s.id)).toBeUndefined()
    })

    it('deletes one session, or every session of a user', async () => {
      const { sessions } = await open()
      const a = await sessions.create('ops')
      const b = await sessions.create('ops')
      const c = await sessions.create('other')
      await sessions.delete(a.id)
      expect(await sessions.get(a.id)).toBeUndefined()
      expect(await sessions.get(b.id)).toBeDefined()
      await sessions.deleteUser('ops')
      expect(await sessions.get(b.id)).toBeUndefined()
      expect((await sessions.get(c.id))?.user).toBe('other')
      // Deleting what is not there is not an error.
      await sessions.delete(a.id)
    })

    it('hands out copies: changing a returned session changes nothing stored', async () => {
      const { sessions } = await open()
      const s = await sessions.create('ops')
      s.user = 'intruder'
      s.createdAt = clock.now() + 1_000_000
      expect((await sessions.get(s.id))?.user).toBe('ops')
      clock.advance(10_000)
      expect(await sessions.get(s.id)).toBeUndefined()
    })
  })
}
