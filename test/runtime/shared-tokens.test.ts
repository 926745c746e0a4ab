// Connection clients built with a shared token state (what cluster nodes will pass, backed by
// Redis): two sets of clients, like two nodes, cost one login for a connection between them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_CREDENTIALS } from '../../src/cli/demo-setup.js'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { ConnectionClients, createLogger } from '../../src/runtime/index.js'
import {
  MemoryLoginCooldown,
  MemoryLoginLock,
  MemoryTokenCache,
} from '../../src/salesforce/index.js'
import { openStore, type Store } from '../../src/store/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-shared-tokens-'))
const log = createLogger({ level: 'silent' })
let emu: EmulatorHandle
let store: Store

beforeAll(async () => {
  emu = await startEmulator({
    org: {
      users: [
        {
          username: DEMO_CREDENTIALS.username,
          password: DEMO_CREDENTIALS.password,
          securityToken: DEMO_CREDENTIALS.securityToken,
        },
      ],
      connectedApps: [
        {
          name: 'integration',
          consumerKey: DEMO_CREDENTIALS.clientId,
          consumerSecret: DEMO_CREDENTIALS.clientSecret,
          flows: ['password'],
        },
      ],
    },
  })
  store = await openStore({ home: join(dir, 'home') })
  await store.connections.add({
    name: 'crm',
    loginUrl: emu.url,
    authFlow: 'password',
    ...DEMO_CREDENTIALS,
  })
})

afterAll(async () => {
  await store?.close()
  await emu?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('connection clients with shared tokens', () => {
  it('cost one login for two sets of clients that call at once', async () => {
    const sharedTokens = {
      tokenCache: new MemoryTokenCache(),
      loginLock: new MemoryLoginLock(),
      loginCooldown: new MemoryLoginCooldown(),
    }
    const nodes = [
      new ConnectionClients(store.connections, log, { sharedTokens }),
      new ConnectionClients(store.connections, log, { sharedTokens }),
    ]
    try {
      await Promise.all(nodes.map((n) => n.refresh()))
      const before = emu.stats().tokenRequests
      const tokens = await Promise.all(nodes.map((n) => n.get('crm').token()))
      await Promise.all(nodes.map((n) => n.get('crm').get('limits')))
      expect(emu.stats().tokenRequests - before).toBe(1)
      expect(tokens[0]?.accessToken).toBe(tokens[1]?.accessToken)
    } finally {
      await Promise.all(nodes.map((n) => n.close()))
    }
  })
})
