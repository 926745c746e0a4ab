import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_KEY_SETTING, ensureDemoSetup } from '../../src/cli/demo-setup.js'
import { openStore, type Store } from '../../src/store/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-demo-setup-'))
let store: Store

beforeAll(async () => {
  store = await openStore({ home: dir })
})
afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

async function channelAccepts(key: string): Promise<boolean> {
  const channel = await store.channels.find('POST', '/api/campaigns')
  return store.security.verifyApiKey(channel?.securityDefinitionId ?? '', key)
}

describe('demo setup', () => {
  it('creates the connection, key and channel once, and follows the emulator port', async () => {
    const first = await ensureDemoSetup(store, 'http://127.0.0.1:8401')
    const again = await ensureDemoSetup(store, 'http://127.0.0.1:9401')
    expect(again.apiKey).toBe(first.apiKey)
    expect(await channelAccepts(first.apiKey)).toBe(true)
    expect((await store.connections.get('My Salesforce Connection')).loginUrl).toBe(
      'http://127.0.0.1:9401',
    )
    expect(await store.channels.list()).toHaveLength(1)
  })

  it('makes a new key when the stored one is lost, and points the channel at it', async () => {
    await store.settings.delete(DEMO_KEY_SETTING)
    const { apiKey } = await ensureDemoSetup(store, 'http://127.0.0.1:9401')
    expect(await channelAccepts(apiKey)).toBe(true)
    expect(await store.channels.list()).toHaveLength(1)
  })
})
