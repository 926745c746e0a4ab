// Salesforce tokens shared through Redis by two "nodes" (two shared states, each its own Redis
// connection; each node its own client): one login in total for concurrent calls, one re-login in
// total after the org ends every session, the token sealed in Redis (never in clear), and a lock
// whose holder died freed by expiry.
import { createHash, randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_CREDENTIALS } from '../../src/cli/demo-setup.js'
import type { EmulatorHandle } from '../../src/emulator/index.js'
import { startDemoUserEmulator } from '../fixtures/demo-user-emulator.js'
import type { SharedState } from '../../src/runtime/index.js'
import {
  createClient,
  LoginError,
  type SalesforceClient,
  type TokenInfo,
} from '../../src/salesforce/index.js'
import { deleteKeys, dumpKeys, rawRedis, testPrefix, testSealer } from './fixtures/redis-fixture.js'
import { openRedisState } from './shared-state/backends.js'

let emu: EmulatorHandle
const prefix = testPrefix()
const sealer = testSealer()
const states: SharedState[] = []
const clients: SalesforceClient[] = []

beforeAll(async () => {
  emu = await startDemoUserEmulator()
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(states.splice(0).map((s) => s.close()))
  await deleteKeys(prefix)
})

afterAll(async () => {
  await emu?.close()
})

/** A node: its own Redis connection (same prefix and master key) and its own client. */
async function node(): Promise<{ state: SharedState; client: SalesforceClient }> {
  const state = await openRedisState({}, prefix, sealer)
  states.push(state)
  const client = createClient({
    loginUrl: emu.url,
    name: 'crm',
    auth: { flow: 'password', ...DEMO_CREDENTIALS },
    ...state.tokens,
  })
  clients.push(client)
  return { state, client }
}

describe('tokens shared through Redis', () => {
  it('costs one login for two nodes calling at once, and one re-login after the org ends every session', async () => {
    const nodes = [await node(), await node()]
    const before = emu.stats().tokenRequests
    const calls = () =>
      Promise.all(
        nodes.flatMap(({ client }) => Array.from({ length: 10 }, () => client.get('limits'))),
      )
    await calls()
    expect(emu.stats().tokenRequests - before).toBe(1)
    const first = await Promise.all(
      nodes.map(async ({ client }) => (await client.token()).accessToken),
    )
    expect(first[0]).toBe(first[1])

    emu.expireSessions()
    await calls()
    expect(emu.stats().tokenRequests - before).toBe(2)
    const second = await Promise.all(
      nodes.map(async ({ client }) => (await client.token()).accessToken),
    )
    expect(second[0]).toBe(second[1])
    expect(second[0]).not.toBe(first[0])
  })

  it('never revokes the token a node replaced: the other nodes may still be using it', async () => {
    const [a, b] = [await node(), await node()]
    await Promise.all([a.client.get('limits'), b.client.get('limits')])
    const old = await b.client.token()
    const fresh = await a.client.login()
    expect(fresh.accessToken).not.toBe(old.accessToken)
    // The replaced token still opens the org: nothing revoked it at Salesforce.
    const res = await fetch(`${old.instanceUrl}/services/data/v66.0/limits`, {
      headers: { authorization: `Bearer ${old.accessToken}` },
    })
    expect(res.status).toBe(200)
    await res.arrayBuffer()
    // And the other node goes on (with the token it holds) without a login of its own.
    const before = emu.stats().tokenRequests
    expect(await b.client.get('limits')).toBeDefined()
    expect(emu.stats().tokenRequests).toBe(before)
  })

  it('keeps the token sealed in Redis: no access token in any key or value', async () => {
    const { client } = await node()
    await client.get('limits')
    const token = await client.token()
    const keys = await dumpKeys(prefix)
    expect(keys.size).toBeGreaterThan(0)
    for (const [key, value] of keys) {
      expect(key).not.toContain(token.accessToken)
      expect(value).not.toContain(token.accessToken)
      expect(key).not.toContain(DEMO_CREDENTIALS.username)
    }
  })

  it('drops a token only while it is still the one that failed (compare-and-delete)', async () => {
    const { state } = await node()
    const cache = state.tokens.tokenCache
    if (!cache) throw new Error('no token cache')
    const token = (accessToken: string): TokenInfo => ({
      accessToken,
      instanceUrl: emu.url,
      id: `${emu.url}/id/org/user`,
      issuedAt: String(Date.now()),
      tokenType: 'Bearer',
    })
    await cache.set('k', token('old'))
    await cache.set('k', token('new'))
    expect(await cache.delete('k', 'old')).toBe(false)
    expect((await cache.get('k'))?.accessToken).toBe('new')
    expect(await cache.delete('k', 'new')).toBe(true)
    expect(await cache.get('k')).toBeUndefined()
  })

  it('treats a token sealed under another master key as missing', async () => {
    const { state } = await node()
    const stranger = await openRedisState({}, prefix, testSealer())
    states.push(stranger)
    const info: TokenInfo = {
      accessToken: 'sealed-elsewhere',
      instanceUrl: emu.url,
      id: 'x',
      issuedAt: '1',
      tokenType: 'Bearer',
    }
    await stranger.tokens.tokenCache?.set('k', info)
    expect(await state.tokens.tokenCache?.get('k')).toBeUndefined()
    expect((await stranger.tokens.tokenCache?.get('k'))?.accessToken).toBe('sealed-elsewhere')
  })

  it('shares a refused login’s cooldown with every node, with the same error', async () => {
    const [a, b] = [await node(), await node()]
    const error = new LoginError('LOGIN_FAILED', 'Salesforce answered invalid_grant', {
      connection: 'crm',
      flow: 'password',
      status: 400,
      error: 'invalid_grant',
      errorDescription: 'authentication failure',
    })
    await a.state.tokens.loginCooldown?.set('k', { error, until: Date.now() + 60_000, count: 2 })
    const seen = await b.state.tokens.loginCooldown?.get('k')
    expect(seen?.count).toBe(2)
    expect(seen?.error).toBeInstanceOf(LoginError)
    expect(seen?.error.message).toBe(error.message)
    expect(seen?.error).toMatchObject({ code: 'LOGIN_FAILED', status: 400, error: 'invalid_grant' })
    await b.state.tokens.loginCooldown?.clear('k')
    expect(await a.state.tokens.loginCooldown?.get('k')).toBeUndefined()
  })

  it('runs one login at a time across nodes, and frees the lock of a holder that died', async () => {
    const [a, b] = [await node(), await node()]
    const lockA = a.state.tokens.loginLock
    const lockB = b.state.tokens.loginLock
    if (!lockA || !lockB) throw new Error('no lock')
    let inside = 0
    let most = 0
    const work = async () => {
      inside++
      most = Math.max(most, inside)
      await new Promise((resolve) => setTimeout(resolve, 20))
      inside--
    }
    await Promise.all([lockA.run('k', work), lockB.run('k', work), lockA.run('k', work)])
    expect(most).toBe(1)

    // A holder that died: its lock is in Redis and nobody releases it. It lives 300 ms.
    const raw = rawRedis()
    try {
      const keys = await dumpKeys(prefix)
      expect([...keys.keys()].some((k) => k.includes('login-lock'))).toBe(false)
      const digest = createHash('sha256').update('dead').digest('base64url')
      await raw.set(`${prefix}login-lock:${digest}`, randomBytes(8).toString('hex'), 'PX', 300)
      let ran = false
      await lockB.run('dead', async () => {
        ran = true
        // By now the dead holder's lock expired and this node holds its own.
        expect(await raw.pttl(`${prefix}login-lock:${digest}`)).toBeGreaterThan(300)
      })
      expect(ran).toBe(true)
    } finally {
      raw.disconnect()
    }
  })
})
