// Three "nodes" (three shared states, each its own Redis connection) on one Redis prefix behave as
// one server: a channel limit holds across them under concurrent load, and an admin session made
// on one works on the others until it is ended on any of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SharedState } from '../../../src/runtime/index.js'
import { deleteKeys, dumpKeys, testPrefix } from '../fixtures/redis-fixture.js'
import { openRedisState } from './backends.js'

const prefix = testPrefix()
const nodes: SharedState[] = []

beforeAll(async () => {
  for (let i = 0; i < 3; i++) nodes.push(await openRedisState({}, prefix))
})

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()))
  await deleteKeys(prefix)
})

const node = (i: number): SharedState => {
  const n = nodes[i % nodes.length]
  if (!n) throw new Error('no node')
  return n
}

describe('shared state on three nodes', () => {
  it('lets exactly 100 of 300 concurrent calls through a limit of 100 per minute', async () => {
    const limit = { requests: 100, perSeconds: 60 }
    const decisions = await Promise.all(
      Array.from({ length: 300 }, (_, i) => node(i).rateLimiter.consume('channel-orders', limit)),
    )
    const allowed = decisions.filter((d) => d.allowed)
    expect(allowed).toHaveLength(100)
    // Each winner saw its own place in the window: 99 down to 0, once each.
    expect(new Set(allowed.map((d) => d.remaining)).size).toBe(100)
    const refused = decisions.filter((d) => !d.allowed)
    expect(refused.every((d) => d.retryAfterSeconds >= 1 && d.retryAfterSeconds <= 60)).toBe(true)
    expect(nodes.every((n) => !n.status().degraded)).toBe(true)
  })

  it('accepts a session made on one node on the others, and ends it everywhere', async () => {
    const made = await node(0).sessions.create('ops')
    expect(await node(1).sessions.get(made.id)).toEqual(made)
    const touched = await node(2).sessions.touch(made.id)
    expect(touched?.csrfToken).toBe(made.csrfToken)
    await node(1).sessions.delete(made.id)
    expect(await node(0).sessions.get(made.id)).toBeUndefined()
    expect(await node(2).sessions.get(made.id)).toBeUndefined()
  })

  it('ends every session of a user on every node (a password change)', async () => {
    const a = await node(0).sessions.create('admin')
    const b = await node(1).sessions.create('admin')
    const other = await node(2).sessions.create('viewer')
    await node(2).sessions.deleteUser('admin')
    for (const n of nodes) {
      expect(await n.sessions.get(a.id)).toBeUndefined()
      expect(await n.sessions.get(b.id)).toBeUndefined()
      expect((await n.sessions.get(other.id))?.user).toBe('viewer')
    }
  })

  it('counts sign-in failures made on every node together', async () => {
    const keys = ['pair:10.1.2.3 ops', 'ip:10.1.2.3', 'user:ops']
    for (let i = 0; i < 5; i++) await node(i).signIn.fail(keys)
    for (const n of nodes) expect(await n.signIn.retryAfter(keys)).toBeGreaterThan(0)
    // Every node lists the lock-out, and a clear on one frees it on all.
    for (const n of nodes)
      expect((await n.signIn.lockouts()).map((l) => l.key)).toEqual(['pair:10.1.2.3 ops'])
    await node(0).signIn.succeed('pair:10.1.2.3 ops')
    expect(await node(2).signIn.retryAfter(['pair:10.1.2.3 ops'])).toBe(0)
  })

  it('shows one usage series fed by every node', async () => {
    for (let m = 0; m < 3; m++) {
      await node(m).usage.record('crm', {
        used: m,
        max: 100,
        at: new Date(Date.UTC(2026, 11, 5, 12, m)),
      })
    }
    expect((await node(1).usage.series('crm')).map((p) => p.used)).toEqual([0, 1, 2])
  })

  it('keeps the session cookie itself out of Redis', async () => {
    const made = await node(0).sessions.create('ops')
    const keys = await dumpKeys(prefix)
    for (const [key, value] of keys) {
      expect(key).not.toContain(made.id)
      expect(value).not.toContain(made.id)
    }
  })
})
