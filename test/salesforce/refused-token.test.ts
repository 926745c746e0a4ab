// A token Salesforce refused is never taken up again, wherever it comes from: a client that took
// its token from a shared cache (Redis) whose contents were then lost (a Redis restart) falls back
// to the token store, which still holds the token that just failed; adopting it would spend the
// call's one re-login on a dead session and fail the call with INVALID_SESSION_ID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_CREDENTIALS } from '../../src/cli/demo-setup.js'
import type { EmulatorHandle } from '../../src/emulator/index.js'
import { startDemoUserEmulator } from '../fixtures/demo-user-emulator.js'
import {
  createClient,
  MemoryTokenCache,
  type TokenInfo,
  type TokenStore,
} from '../../src/salesforce/index.js'

let emu: EmulatorHandle

beforeAll(async () => {
  emu = await startDemoUserEmulator()
})

afterAll(() => emu?.close())

/** A token store in this process: what the runtime keeps sealed in its database. */
function memoryStore(): TokenStore & { saved: Map<string, TokenInfo> } {
  const saved = new Map<string, TokenInfo>()
  return {
    saved,
    load: (k) => Promise.resolve(saved.get(k)),
    save: (k, t) => Promise.resolve(void saved.set(k, t)),
    delete: (k) => Promise.resolve(void saved.delete(k)),
  }
}

describe('a refused token', () => {
  it('is not taken up again from the token store after the shared cache lost it', async () => {
    const cache = new MemoryTokenCache()
    const store = memoryStore()
    const make = () =>
      createClient({
        loginUrl: emu.url,
        auth: { flow: 'password', ...DEMO_CREDENTIALS },
        tokenCache: cache,
        tokenStore: store,
        tokenKey: 'crm',
      })
    // One client logs in (the token goes to the cache and the store); another takes it from
    // the cache, as a second node does from Redis.
    const first = make()
    const second = make()
    try {
      await first.get('limits')
      await second.get('limits')
      const logins = emu.stats().tokenRequests
      const stale = store.saved.get('crm')!.accessToken
      // Redis restarts empty, then Salesforce ends every session.
      await cache.delete('crm')
      emu.expireSessions()

      await expect(second.get('limits')).resolves.toBeDefined()
      expect(emu.stats().tokenRequests - logins).toBe(1)
      expect(store.saved.get('crm')!.accessToken).not.toBe(stale)
    } finally {
      await first.close()
      await second.close()
    }
  })
})
