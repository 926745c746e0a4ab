// Connection clients built with a shared token state (what cluster nodes pass: memory in one
// process, Redis in a cluster): two sets of clients, like two nodes, cost one login for a
// connection between them, and a refused login makes both wait.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_CREDENTIALS } from '../../src/cli/demo-setup.js'
import type { EmulatorHandle } from '../../src/emulator/index.js'
import { startDemoUserEmulator } from '../fixtures/demo-user-emulator.js'
import { ConnectionClients, createLogger } from '../../src/runtime/index.js'
import {
  LoginError,
  MemoryLoginCooldown,
  MemoryLoginLock,
  MemoryTokenCache,
  type SharedTokenState,
} from '../../src/salesforce/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { deleteKeys, testPrefix, testSealer } from './fixtures/redis-fixture.js'
import { openRedisState } from './shared-state/backends.js'
import { testDatabase } from '../fixtures/test-store.js'

/** The token state two nodes share: one set in memory (one process), or Redis per node. */
interface TokenBackend {
  name: string
  /** The state of each of `count` nodes, and what frees them. */
  open(count: number): Promise<{ nodes: SharedTokenState[]; close(): Promise<void> }>
}

const tokenBackends: TokenBackend[] = [
  {
    name: 'memory',
    open(count) {
      const shared = {
        tokenCache: new MemoryTokenCache(),
        loginLock: new MemoryLoginLock(),
        loginCooldown: new MemoryLoginCooldown(),
      }
      return Promise.resolve({
        nodes: Array.from({ length: count }, () => shared),
        close: () => Promise.resolve(),
      })
    },
  },
  {
    name: 'redis',
    async open(count) {
      const prefix = testPrefix()
      const sealer = testSealer()
      const states = await Promise.all(
        Array.from({ length: count }, () => openRedisState({}, prefix, sealer)),
      )
      return {
        nodes: states.map((s) => s.tokens),
        async close() {
          await Promise.all(states.map((s) => s.close()))
          await deleteKeys(prefix)
        },
      }
    },
  },
]

const dir = mkdtempSync(join(tmpdir(), 'fb-shared-tokens-'))
const log = createLogger({ level: 'silent' })
let emu: EmulatorHandle
let store: Store

beforeAll(async () => {
  emu = await startDemoUserEmulator()
  store = await openStore({ home: join(dir, 'home'), ...(await testDatabase(join(dir, 'home'))) })
  await store.connections.add({
    name: 'crm',
    loginUrl: emu.url,
    authFlow: 'password',
    ...DEMO_CREDENTIALS,
  })
  await store.connections.add({
    name: 'locked-out',
    loginUrl: emu.url,
    authFlow: 'password',
    ...DEMO_CREDENTIALS,
    password: 'not-the-password',
  })
})

afterAll(async () => {
  await store?.close()
  await emu?.close()
  rmSync(dir, { recursive: true, force: true })
})

for (const backend of tokenBackends) {
  describe(`connection clients with shared tokens (${backend.name})`, () => {
    it('cost one login for two sets of clients that call at once', async () => {
      const opened = await backend.open(2)
      const nodes = opened.nodes.map(
        (sharedTokens) => new ConnectionClients(store.connections, log, { sharedTokens }),
      )
      try {
        await Promise.all(nodes.map((n) => n.refresh()))
        const before = emu.stats().tokenRequests
        const tokens = await Promise.all(nodes.map((n) => n.get('crm').token()))
        await Promise.all(nodes.map((n) => n.get('crm').get('limits')))
        expect(emu.stats().tokenRequests - before).toBe(1)
        expect(tokens[0]?.accessToken).toBe(tokens[1]?.accessToken)
      } finally {
        await Promise.all(nodes.map((n) => n.close()))
        await opened.close()
      }
    })

    it('share a refused login: the other set fails at once with the same error', async () => {
      const opened = await backend.open(2)
      const [a, b] = opened.nodes.map(
        (sharedTokens) => new ConnectionClients(store.connections, log, { sharedTokens }),
      )
      if (!a || !b) throw new Error('two nodes expected')
      try {
        await Promise.all([a.refresh(), b.refresh()])
        const before = emu.stats().tokenRequests
        const first = await a
          .get('locked-out')
          .get('limits')
          .catch((e: unknown) => e)
        expect(first).toBeInstanceOf(LoginError)
        const second = await b
          .get('locked-out')
          .get('limits')
          .catch((e: unknown) => e)
        expect(second).toBeInstanceOf(LoginError)
        expect((second as LoginError).message).toBe((first as LoginError).message)
        expect(emu.stats().tokenRequests - before).toBe(1)
      } finally {
        await Promise.all([a.close(), b.close()])
        await opened.close()
      }
    })

    it('log in with edited settings instead of reusing the token the old ones got', async () => {
      const name = `edited-${backend.name}`
      await store.connections.add({
        name,
        loginUrl: emu.url,
        authFlow: 'password',
        ...DEMO_CREDENTIALS,
      })
      const opened = await backend.open(2)
      const nodes = opened.nodes.map(
        (sharedTokens) => new ConnectionClients(store.connections, log, { sharedTokens }),
      )
      try {
        await Promise.all(nodes.map((n) => n.refresh()))
        await Promise.all(nodes.map((n) => n.get(name).get('limits')))
        await store.connections.update(name, { password: 'a-mistyped-password' })
        await Promise.all(nodes.map((n) => n.refresh()))
        for (const n of nodes) {
          await expect(n.get(name).get('limits')).rejects.toMatchObject({
            code: 'LOGIN_FAILED',
          })
        }
      } finally {
        await Promise.all(nodes.map((n) => n.close()))
        await opened.close()
      }
    })
  })
}
