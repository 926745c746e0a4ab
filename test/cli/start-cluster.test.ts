// Two `forcebridge start` processes on one store and one Redis (FORCEBRIDGE_REDIS_URL), as two
// nodes of a cluster: an admin session signed in on one works on the other and ends on both,
// /readyz says where the shared state lives, and no log line shows the Redis URL.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { deleteKeys, SHARED_REDIS_URL, testPrefix } from '../runtime/fixtures/redis-fixture.js'
import { serverUrl, spawnCli, type CliProcess } from './fixtures/cli-process.js'

// Each node is the built CLI, a few seconds to load on a busy machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

const dir = mkdtempSync(join(tmpdir(), 'fb-start-cluster-'))
const prefix = testPrefix()
const password = 'cluster-admin-password'
const nodes: CliProcess[] = []
const urls: string[] = []

beforeAll(async () => {
  const env = {
    FORCEBRIDGE_HOME: join(dir, 'home'),
    FORCEBRIDGE_PORT: '0',
    FORCEBRIDGE_REDIS_URL: SHARED_REDIS_URL,
    FORCEBRIDGE_REDIS_PREFIX: prefix,
    FORCEBRIDGE_ADMIN_PASSWORD: password,
    FORCEBRIDGE_WORKER_CONCURRENCY: '0',
  }
  // One after the other: the first makes the admin user, the second finds it.
  for (let i = 0; i < 2; i++) {
    const node = spawnCli(['start'], env)
    nodes.push(node)
    urls.push(await serverUrl(node))
  }
})

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()))
  await deleteKeys(prefix)
  rmSync(dir, { recursive: true, force: true })
})

describe('two nodes on one Redis', () => {
  it('accept a session signed in on one node on the other, and end it on both', async () => {
    const [a, b] = urls
    const signIn = await fetch(`${a}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password }),
    })
    expect(signIn.status).toBe(200)
    const { csrfToken } = (await signIn.json()) as { csrfToken: string }
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const onB = await fetch(`${b}/admin/api/session`, { headers: { cookie } })
    expect(await onB.json()).toEqual({ user: 'admin', csrfToken })
    const signOut = await fetch(`${b}/admin/api/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrfToken },
    })
    expect(signOut.status).toBe(200)
    await signOut.arrayBuffer()
    const onA = await fetch(`${a}/admin/api/session`, { headers: { cookie } })
    expect(onA.status).toBe(401)
    await onA.arrayBuffer()
  })

  it('say in /readyz and in the start line that the shared state is in Redis, never its URL', async () => {
    for (const url of urls) {
      const res = await fetch(`${url}/readyz`)
      const body = (await res.json()) as { details: unknown }
      expect(body.details).toEqual({
        database: 'sqlite',
        sharedState: { backend: 'redis', degraded: false },
      })
    }
    for (const node of nodes) {
      const line = node.err.find((l) => l.includes('forcebridge is listening')) ?? ''
      expect(JSON.parse(line)).toMatchObject({ sharedState: { backend: 'redis', degraded: false } })
      expect(node.err.join('\n')).not.toContain('redis://')
      expect(node.err.join('\n')).not.toContain('falls back')
    }
  })
})
