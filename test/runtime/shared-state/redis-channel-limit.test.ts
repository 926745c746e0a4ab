// Three runtimes ("nodes", each with its own Redis connection) on one store and one Redis prefix:
// a channel limit of 100 per minute lets exactly 100 of 300 concurrent calls through, whichever
// node they reach, and the refused ones say when to come back.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  createLogger,
  createRuntime,
  defineService,
  type Runtime,
  type SharedState,
} from '../../../src/runtime/index.js'
import { openStore, type Store } from '../../../src/store/index.js'
import { deleteKeys, testPrefix, testSealer } from '../fixtures/redis-fixture.js'
import { openRedisState } from './backends.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-redis-channel-limit-'))
const prefix = testPrefix()
const sealer = testSealer()
const nodes: { store: Store; state: SharedState; runtime: Runtime; url: string }[] = []
let apiKey: string

const echo = defineService({
  name: 'echo',
  input: z.object({ text: z.string() }),
  handle: ({ input }) => ({ length: input.text.length }),
})

beforeAll(async () => {
  const home = join(dir, 'home')
  for (let i = 0; i < 3; i++) {
    const store = await openStore({ home })
    const state = await openRedisState({}, prefix, sealer)
    const runtime = await createRuntime({
      store,
      log: createLogger({ level: 'silent' }),
      watch: false,
      async: { concurrency: 0, scheduler: false },
      sharedState: state,
    })
    runtime.registry.register(echo)
    nodes.push({ store, state, runtime, url: await runtime.listen('127.0.0.1', 0) })
  }
  const first = nodes[0]
  if (!first) throw new Error('no node started')
  const api = await first.store.security.createApiKey('limited')
  apiKey = api.key
  await first.store.channels.add({
    method: 'POST',
    path: '/api/orders',
    service: 'echo',
    securityDefinitionId: api.definition.id,
    rateLimit: { requests: 100, perSeconds: 60 },
  })
})

afterAll(async () => {
  for (const { runtime, state, store } of nodes) {
    await runtime.close()
    await state.close()
    await store.close()
  }
  await deleteKeys(prefix)
  rmSync(dir, { recursive: true, force: true })
})

describe('a channel limit on three nodes sharing Redis', () => {
  it('lets exactly 100 of 300 concurrent calls through', async () => {
    const answers = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const res = await fetch(`${nodes[i % 3]?.url}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
          body: JSON.stringify({ text: 'hi' }),
        })
        await res.arrayBuffer()
        return { status: res.status, retryAfter: res.headers.get('retry-after') }
      }),
    )
    expect(answers.filter((a) => a.status === 200)).toHaveLength(100)
    const refused = answers.filter((a) => a.status !== 200)
    expect(refused).toHaveLength(200)
    for (const a of refused) {
      expect(a.status).toBe(429)
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1)
      expect(Number(a.retryAfter)).toBeLessThanOrEqual(60)
    }
    expect(nodes.every((n) => !n.state.status().degraded)).toBe(true)
  })
})
