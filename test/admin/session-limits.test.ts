// Sessions expire on the server (absolute and idle), the sign-in limiter counts failures in a
// sliding window, and page templates escape every value.
import { describe, expect, it } from 'vitest'
import { html } from '../../src/admin/html/html.js'
import { MemorySessionStore, MemorySignInLimiter } from '../../src/runtime/index.js'

function clock(start = 1_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}

describe('admin sessions', () => {
  it('ends a session after its idle time and after its absolute lifetime', async () => {
    const c = clock()
    const sessions = new MemorySessionStore({ ttlMs: 10_000, idleMs: 3_000, now: c.now })
    const idle = await sessions.create('ops')
    c.advance(3_000)
    expect(await sessions.touch(idle.id)).toBeUndefined()
    const busy = await sessions.create('ops')
    for (let i = 0; i < 4; i++) {
      c.advance(2_000)
      expect((await sessions.touch(busy.id))?.user).toBe('ops')
    }
    c.advance(2_000)
    expect(await sessions.touch(busy.id)).toBeUndefined()
  })

  it('gives each session its own id and CSRF token', async () => {
    const sessions = new MemorySessionStore()
    const a = await sessions.create('ops')
    const b = await sessions.create('ops')
    expect(new Set([a.id, b.id, a.csrfToken, b.csrfToken]).size).toBe(4)
    await sessions.deleteUser('ops')
    expect(await sessions.get(a.id)).toBeUndefined()
  })
})

describe('sign-in limiter', () => {
  it('blocks a user on an address after 5 failures for the rest of the 15-minute window', async () => {
    const c = clock()
    const limiter = new MemorySignInLimiter({ now: c.now })
    const keys = ['pair:127.0.0.1 ops', 'ip:127.0.0.1', 'user:ops']
    for (let i = 0; i < 5; i++) {
      expect(await limiter.retryAfter(keys)).toBe(0)
      await limiter.fail(keys)
      c.advance(60_000)
    }
    // The oldest failure was 5 minutes ago: 10 minutes to go.
    expect(await limiter.retryAfter(keys)).toBe(600)
    expect(await limiter.retryAfter(['pair:10.0.0.1 ops', 'ip:10.0.0.1', 'user:ops'])).toBe(0)
    c.advance(600_000)
    expect(await limiter.retryAfter(keys)).toBe(0)
  })

  it('blocks an address after 20 failures across user names', async () => {
    const limiter = new MemorySignInLimiter()
    for (let i = 0; i < 20; i++) await limiter.fail([`user:u${i}`, 'ip:10.0.0.9'])
    expect(await limiter.retryAfter(['user:fresh', 'ip:10.0.0.9'])).toBeGreaterThan(0)
    expect(await limiter.retryAfter(['user:fresh', 'ip:10.0.0.8'])).toBe(0)
  })
})

describe('html templates', () => {
  it('escapes interpolated text, including in attributes, and keeps nested templates', () => {
    const name = `<script>alert("x")</script>' onmouseover='y`
    const out = html`<a title="${name}">${name}</a>${html`<b>${'Ελλάδα 한국'}</b>`}`.text
    expect(out).not.toContain('<script>')
    expect(out).not.toContain(`' onmouseover`)
    expect(out).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y',
    )
    expect(out).toContain('<b>Ελλάδα 한국</b>')
  })
})
