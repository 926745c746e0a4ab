// Tokens kept sealed in the store: a restarted server reuses its connection's token instead of
// logging in, a rotated refresh token replaces the stored one, and removing a connection revokes
// its token at Salesforce.
import { mkdtempSync, rmSync } from 'node:fs'
import { filesAtRest, foundAtRest, foundInPostgres } from '../store/fixtures/bytes-at-rest.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_CREDENTIALS } from '../../src/cli/demo-setup.js'
import type { EmulatorHandle } from '../../src/emulator/index.js'
import { startDemoUserEmulator } from '../fixtures/demo-user-emulator.js'
import { ConnectionClients, createLogger, storedTokens } from '../../src/runtime/index.js'
import { DATABASE_FILE, openStore, type Store } from '../../src/store/index.js'
import { runCli } from '../cli/fixtures/run-cli.js'
import { TEST_STORE, testDatabase, testPostgresOf } from '../fixtures/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-stored-tokens-'))
const home = join(dir, 'home')
const log = createLogger({ level: 'silent' })
let emu: EmulatorHandle
let store: Store

beforeAll(async () => {
  emu = await startDemoUserEmulator({
    flows: ['password', 'refresh_token'],
    refreshTokenRotation: true,
  })
  store = await openStore({ home, ...(await testDatabase(home)) })
  Object.assign(process.env, { FORCEBRIDGE_HOME: home, FORCEBRIDGE_LOG_LEVEL: 'warn' })
})

afterAll(async () => {
  await store?.close()
  await emu?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Where the store holds `text` in clear: its files at rest, or its PostgreSQL tables. */
async function foundInStore(text: string): Promise<string[]> {
  return TEST_STORE === 'sqlite'
    ? foundAtRest(home, text)
    : foundInPostgres(await testPostgresOf(home), text)
}

async function callOnce(name: string): Promise<void> {
  const clients = new ConnectionClients(store.connections, log, { settings: store.settings })
  try {
    await clients.refresh()
    await clients.get(name).get('limits')
  } finally {
    await clients.close()
  }
}

describe('tokens kept in the store', () => {
  it('lets a restarted server reuse the token, sealed at rest', async () => {
    await store.connections.add({
      name: 'crm',
      loginUrl: emu.url,
      authFlow: 'password',
      ...DEMO_CREDENTIALS,
    })
    const before = emu.stats().tokenRequests
    await callOnce('crm')
    await callOnce('crm') // a new process's clients: the stored token, no login
    expect(emu.stats().tokenRequests - before).toBe(1)

    const creds = await store.connections.credentials('crm')
    const token = await storedTokens(store.settings, creds).load('')
    expect(token?.accessToken).toMatch(/^00D/)
    if (TEST_STORE === 'sqlite') {
      // Every file of the open store, its -wal (where the token was just written) included.
      expect(filesAtRest(home)).toContain(`${DATABASE_FILE}-wal`)
    }
    expect(await foundInStore(token!.accessToken)).toEqual([])
  })

  it('the at-rest check catches a token written in clear (it can fail)', async () => {
    const planted = `00D${'x'.repeat(12)}!planted-clear-token`
    await store.settings.set('test.planted', planted)
    // On SQLite the write sits in the -wal file: a check of the main file alone would pass it.
    expect(await foundInStore(planted)).toContain(
      TEST_STORE === 'sqlite' ? `${DATABASE_FILE}-wal` : 'settings',
    )
    await store.settings.delete('test.planted')
  })

  it('replaces the stored refresh token when Salesforce rotates it', async () => {
    const first = emu.issueRefreshToken(DEMO_CREDENTIALS.username, DEMO_CREDENTIALS.clientId)
    await store.connections.add({
      name: 'rotating',
      loginUrl: emu.url,
      authFlow: 'refresh_token',
      clientId: DEMO_CREDENTIALS.clientId,
      clientSecret: DEMO_CREDENTIALS.clientSecret,
      refreshToken: first,
    })
    await callOnce('rotating')
    const kept = (await store.connections.credentials('rotating')).refreshToken
    expect(kept).toBeDefined()
    expect(kept).not.toBe(first)
    // The old one is dead at Salesforce; the kept one still logs in after the session ends.
    emu.expireSessions()
    await expect(callOnce('rotating')).resolves.toBeUndefined()
  })

  it('revokes the stored token when the connection is removed', async () => {
    await callOnce('crm') // sessions were expired above: this stores a fresh token
    const creds = await store.connections.credentials('crm')
    const token = await storedTokens(store.settings, creds).load('')
    expect(token?.accessToken).toMatch(/^00D/)
    const removed = await runCli('connection', 'remove', 'crm')
    expect(removed.code).toBe(0)
    expect(removed.out).toContain("token of 'crm' revoked at Salesforce")
    const res = await fetch(`${emu.url}/services/data/v66.0/limits`, {
      headers: { Authorization: `Bearer ${token!.accessToken}` },
    })
    expect(res.status).toBe(401)
    expect(await storedTokens(store.settings, creds).load('')).toBeUndefined()
  })
})
