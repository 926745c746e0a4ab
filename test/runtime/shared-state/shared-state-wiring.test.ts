// Two runtimes ("nodes") on one store and one SharedState bundle behave as one server: a channel
// limit counts calls made on both, and a dashboard session made on one works on the other. This
// is what a cluster backend must give across processes; here it checks that the bundle reaches
// the channel path and the admin plugin, with no private copy on the way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureAdminUser } from '../../../src/admin/index.js'
import { createSharedState } from '../../../src/runtime/index.js'
import { startRuntimeNodes, type RuntimeNodes } from './runtime-nodes.js'

const shared = createSharedState({ backend: 'memory' })
let cluster: RuntimeNodes

beforeAll(async () => {
  cluster = await startRuntimeNodes({
    count: 2,
    sharedState: () => shared,
    channel: { path: '/api/limited', rateLimit: { requests: 5, perSeconds: 3600 } },
  })
  const first = cluster.nodes[0]
  if (!first) throw new Error('no node started')
  await ensureAdminUser(first.store, 'ops', 'a-long-enough-password')
})

afterAll(async () => {
  await cluster?.close()
})

describe('one SharedState behind two runtimes', () => {
  it('counts a channel limit over calls made on both', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) {
      const node = cluster.nodes[i % 2]
      const res = await fetch(`${node?.url}/api/limited`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': cluster.apiKey },
        body: JSON.stringify({ text: 'hi' }),
      })
      statuses.push(res.status)
      await res.arrayBuffer()
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429])
  })

  it('accepts a session signed in on one node on the other, and ends it on both', async () => {
    const [a, b] = cluster.nodes
    const signIn = await fetch(`${a?.url}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ops', password: 'a-long-enough-password' }),
    })
    expect(signIn.status).toBe(200)
    const { csrfToken } = (await signIn.json()) as { csrfToken: string }
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const onB = await fetch(`${b?.url}/admin/api/session`, { headers: { cookie } })
    expect(await onB.json()).toEqual({ user: 'ops', csrfToken })
    const signOut = await fetch(`${b?.url}/admin/api/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrfToken },
    })
    expect(signOut.status).toBe(200)
    await signOut.arrayBuffer()
    expect((await fetch(`${a?.url}/admin/api/session`, { headers: { cookie } })).status).toBe(401)
  })
})
