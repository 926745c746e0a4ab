// Three runtimes ("nodes", each with its own Redis connection) on one store and one Redis prefix:
// a channel limit of 100 per minute lets exactly 100 of 300 concurrent calls through, whichever
// node they reach, and the refused ones say when to come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deleteKeys, testPrefix, testSealer } from '../fixtures/redis-fixture.js'
import { openRedisState } from './backends.js'
import { startRuntimeNodes, type RuntimeNodes } from './runtime-nodes.js'

const prefix = testPrefix()
const sealer = testSealer()
let cluster: RuntimeNodes

beforeAll(async () => {
  cluster = await startRuntimeNodes({
    count: 3,
    sharedState: () => openRedisState({}, prefix, sealer),
    channel: { path: '/api/orders', rateLimit: { requests: 100, perSeconds: 60 } },
  })
})

afterAll(async () => {
  await cluster?.close()
  await deleteKeys(prefix)
})

describe('a channel limit on three nodes sharing Redis', () => {
  it('lets exactly 100 of 300 concurrent calls through', async () => {
    const answers = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const res = await fetch(`${cluster.nodes[i % 3]?.url}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': cluster.apiKey },
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
    expect(cluster.nodes.every((n) => !n.state.status().degraded)).toBe(true)
  })
})
