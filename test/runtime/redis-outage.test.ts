// Two nodes whose Redis dies and comes back (a private redis-server this test kills and
// restarts): channel calls that reach Salesforce keep working throughout from each node's own
// memory, the log and /readyz say degraded and then recovered, the outage costs no login, and the
// re-login after it is one for both nodes again.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DEMO_CREDENTIALS } from '../../src/cli/demo-setup.js'
import type { EmulatorHandle } from '../../src/emulator/index.js'
import { startDemoUserEmulator } from '../fixtures/demo-user-emulator.js'
import {
  createLogger,
  createRuntime,
  createSharedState,
  defineService,
  type Runtime,
  type SharedState,
  type SharedStateLog,
} from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { freePort, PrivateRedis, testSealer } from './fixtures/redis-fixture.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-redis-outage-'))
type Line = { level: 'warn' | 'info'; message: string; details: object }
interface Node {
  store: Store
  shared: SharedState
  runtime: Runtime
  base: string
  lines: Line[]
}
let redis: PrivateRedis
let emu: EmulatorHandle
const nodes: Node[] = []
let apiKey: string

const limits = defineService({
  name: 'org.limits',
  input: z.object({}),
  async handle({ salesforce }) {
    const answer = await salesforce('crm').get<Record<string, unknown>>('limits')
    return { keys: Object.keys(answer).length }
  },
})

beforeAll(async () => {
  redis = new PrivateRedis(await freePort())
  await redis.start()
  emu = await startDemoUserEmulator()
  const store = await openStore({ home: join(dir, 'home') })
  await store.connections.add({
    name: 'crm',
    loginUrl: emu.url,
    authFlow: 'password',
    ...DEMO_CREDENTIALS,
  })
  const sealer = testSealer()
  for (let i = 0; i < 2; i++) {
    const lines: Line[] = []
    const log: SharedStateLog = {
      warn: (details, message) => void lines.push({ level: 'warn', message, details }),
      info: (details, message) => void lines.push({ level: 'info', message, details }),
    }
    const shared = createSharedState({
      backend: 'redis',
      redis: { url: redis.url, prefix: 'fbtest:outage:', sealer },
      log,
    })
    await shared.ready()
    const nodeStore = i === 0 ? store : await openStore({ home: join(dir, 'home') })
    const runtime = await createRuntime({
      store: nodeStore,
      log: createLogger({ level: 'silent' }),
      watch: false,
      async: { concurrency: 0, scheduler: false },
      sharedState: shared,
    })
    runtime.registry.register(limits)
    nodes.push({ store: nodeStore, shared, runtime, lines, base: '' })
  }
  const api = await store.security.createApiKey('outage')
  apiKey = api.key
  await store.channels.add({
    method: 'POST',
    path: '/api/limits',
    service: 'org.limits',
    securityDefinitionId: api.definition.id,
    rateLimit: { requests: 10_000, perSeconds: 60 },
  })
  for (const node of nodes) node.base = await node.runtime.listen('127.0.0.1', 0)
})

afterAll(async () => {
  for (const node of nodes) {
    await node.runtime.close()
    await node.shared.close()
    await node.store.close()
  }
  await emu?.close()
  await redis?.kill()
  rmSync(dir, { recursive: true, force: true })
})

/** Ten channel calls at once, five on each node; their statuses. */
async function burst(): Promise<number[]> {
  return Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const res = await fetch(`${nodes[i % 2]?.base}/api/limits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: '{}',
      })
      await res.arrayBuffer()
      return res.status
    }),
  )
}

/** Each node's /readyz: status and body. */
async function readiness(): Promise<{ status: number; body: Record<string, unknown> }[]> {
  return Promise.all(
    nodes.map(async ({ base }) => {
      const res = await fetch(`${base}/readyz`)
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    }),
  )
}

async function sharedStateDetails(): Promise<unknown[]> {
  return (await readiness()).map((r) => r.body.details)
}

async function metricsTexts(): Promise<string[]> {
  return Promise.all(nodes.map(async ({ base }) => (await fetch(`${base}/metrics`)).text()))
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (ok()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const ALL_OK = Array.from({ length: 10 }, () => 200)
const up = { database: 'sqlite', sharedState: { backend: 'redis', degraded: false } }
const degraded = { database: 'sqlite', sharedState: { backend: 'redis', degraded: true } }

describe('nodes whose Redis dies and comes back', () => {
  it('keep serving, say they are degraded, recover, and cost no login for it', async () => {
    const logins = () => emu.stats().tokenRequests
    const start = logins()
    expect(await burst()).toEqual(ALL_OK)
    expect(logins() - start).toBe(1)
    expect(await sharedStateDetails()).toEqual([up, up])

    await redis.kill()
    // The first calls may be the ones that find Redis gone: they too are served.
    expect(await burst()).toEqual(ALL_OK)
    await until('degraded', () => nodes.every((n) => n.shared.status().degraded))
    const down = await readiness()
    // Still in rotation: every node is degraded at once, and each still serves.
    expect(down.map((r) => r.status)).toEqual([200, 200])
    expect(down.map((r) => r.body.details)).toEqual([degraded, degraded])
    expect(JSON.stringify(down)).not.toContain(String(redis.port))
    for (const text of await metricsTexts()) {
      expect(text).toContain('forcebridge_shared_state_degraded{backend="redis"} 1')
    }
    expect(await burst()).toEqual(ALL_OK)

    await redis.start()
    await until('recovered', () => nodes.every((n) => !n.shared.status().degraded))
    expect(await sharedStateDetails()).toEqual([up, up])
    expect(await burst()).toEqual(ALL_OK)
    for (const text of await metricsTexts()) {
      expect(text).toContain('forcebridge_shared_state_degraded{backend="redis"} 0')
    }
    // The outage itself cost no login: each node went on with the token it held.
    expect(logins() - start).toBe(1)

    // The org ends every session: a new token is needed, the restarted Redis has none, and the
    // cluster's login lock works again: one login for both nodes.
    emu.expireSessions()
    expect(await burst()).toEqual(ALL_OK)
    expect(logins() - start).toBe(2)

    for (const { lines } of nodes) {
      expect(lines.map((l) => l.level)).toEqual(['warn', 'info'])
      expect(lines[0]?.message).toMatch(/falls back to its own memory/)
      expect(lines[1]?.message).toMatch(/answers again/)
      expect(JSON.stringify(lines)).not.toContain('redis://')
    }
  })

  it('ends in Redis, once it answers again, the sessions revoked while it did not', async () => {
    const node = createSharedState({
      backend: 'redis',
      redis: {
        url: redis.url,
        prefix: 'fbtest:revoke:',
        sealer: testSealer(),
        commandTimeoutMs: 200,
      },
    })
    const other = createSharedState({
      backend: 'redis',
      redis: { url: redis.url, prefix: 'fbtest:revoke:', sealer: testSealer() },
    })
    try {
      await Promise.all([node.ready(), other.ready()])
      const session = await other.sessions.create('ops')
      // Redis stops answering for a moment (a stall, a partition) but keeps its data.
      await redis.pause(1_500)
      expect(await node.sessions.get(session.id)).toBeUndefined()
      expect(node.status().degraded).toBe(true)
      // The admin's password changes on this node meanwhile: every session of the user ends.
      await node.sessions.deleteUser('ops')
      await until('recovered', () => !node.status().degraded)
      // Before anything is read from Redis again, the revocation reaches it.
      expect(await node.sessions.get(session.id)).toBeUndefined()
      expect(await other.sessions.get(session.id)).toBeUndefined()
    } finally {
      await Promise.all([node.close(), other.close()])
    }
  })

  it('starts degraded when Redis is not there yet, serves from memory, and joins it later', async () => {
    const late = new PrivateRedis(await freePort())
    const seen: string[] = []
    const node = createSharedState({
      backend: 'redis',
      redis: { url: late.url, prefix: 'fbtest:late:', sealer: testSealer() },
      log: { warn: () => void seen.push('warn'), info: () => void seen.push('info') },
    })
    try {
      await node.ready()
      expect(node.status()).toEqual({ backend: 'redis', degraded: true })
      const limit = { requests: 1, perSeconds: 60 }
      expect((await node.rateLimiter.consume('c', limit)).allowed).toBe(true)
      expect((await node.rateLimiter.consume('c', limit)).allowed).toBe(false)
      await late.start()
      await until('joined', () => !node.status().degraded)
      // Redis counts afresh: the calls counted in memory meanwhile were this node's alone.
      expect((await node.rateLimiter.consume('c', limit)).allowed).toBe(true)
      expect(seen).toEqual(['warn', 'info'])
    } finally {
      await node.close()
      await late.kill()
    }
  })
})
