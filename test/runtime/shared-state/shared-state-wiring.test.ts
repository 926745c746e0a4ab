// Two runtimes ("nodes") on one store and one SharedState bundle behave as one server: a channel
// limit counts calls made on both, and a dashboard session made on one works on the other. This
// is what a cluster backend must give across processes; here it checks that the bundle reaches
// the channel path and the admin plugin, with no private copy on the way.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { adminPlugin, ensureAdminUser } from '../../../src/admin/index.js'
import {
  createLogger,
  createRuntime,
  createSharedState,
  defineService,
  type Runtime,
} from '../../../src/runtime/index.js'
import { openStore, type Store } from '../../../src/store/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-shared-state-'))
const shared = createSharedState({ backend: 'memory' })
const nodes: { store: Store; runtime: Runtime; url: string }[] = []
let apiKey: string

const echo = defineService({
  name: 'echo',
  input: z.object({ text: z.string() }),
  handle: ({ input }) => ({ length: input.text.length }),
})

beforeAll(async () => {
  const home = join(dir, 'home')
  for (let i = 0; i < 2; i++) {
    const store = await openStore({ home })
    const log = createLogger({ level: 'silent' })
    const runtime = await createRuntime({
      store,
      log,
      watch: false,
      async: { concurrency: 0, scheduler: false },
      sharedState: shared,
    })
    runtime.registry.register(echo)
    await runtime.http.register(adminPlugin, { store, runtime, log })
    nodes.push({ store, runtime, url: await runtime.listen('127.0.0.1', 0) })
  }
  const [first] = nodes
  if (!first) throw new Error('no node started')
  await ensureAdminUser(first.store, 'ops', 'a-long-enough-password')
  const api = await first.store.security.createApiKey('wiring')
  apiKey = api.key
  await first.store.channels.add({
    method: 'POST',
    path: '/api/limited',
    service: 'echo',
    securityDefinitionId: api.definition.id,
    rateLimit: { requests: 5, perSeconds: 3600 },
  })
})

afterAll(async () => {
  for (const { runtime, store } of nodes) {
    await runtime.close()
    await store.close()
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('one SharedState behind two runtimes', () => {
  it('counts a channel limit over calls made on both', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) {
      const node = nodes[i % 2]
      const res = await fetch(`${node?.url}/api/limited`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({ text: 'hi' }),
      })
      statuses.push(res.status)
      await res.arrayBuffer()
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429])
  })

  it('accepts a session signed in on one node on the other, and ends it on both', async () => {
    const [a, b] = nodes
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
