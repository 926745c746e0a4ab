import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/index.js'
import { storeDialects, useStoreDialect, type StoreDialect } from '../fixtures/store-dialects.js'
import { rawSql } from './fixtures/raw-database.js'

const secrets = {
  password: 'Pa55-word-Very-Secret',
  securityToken: 'SecTokenABCDEF12345',
  clientSecret: 'client-secret-0123456789',
}
const passwordConnection = {
  name: 'My Salesforce Connection',
  loginUrl: 'https://login.salesforce.com/',
  authFlow: 'password',
  username: 'my.user@example.com',
  clientId: '3MVGconsumer.key',
  ...secrets,
}

const dialects = storeDialects('store')
/** The dialect of the block running now (each block sets it before its tests). */
let dialect: StoreDialect
const homes: string[] = []
const stores: Store[] = []
function tempHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fb-store-'))
  homes.push(dir)
  return join(dir, 'home')
}
async function open(home = tempHome(), secretKey?: string): Promise<Store> {
  const store = await openStore({ home, ...dialect.options(), ...(secretKey ? { secretKey } : {}) })
  stores.push(store)
  return store
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true })
})

describe.each(dialects)('store ($name)', (each) => {
  useStoreDialect(each)
  beforeEach(() => {
    dialect = each
  })

  it('creates the home folder 0700, and the key file and the database 0600', async () => {
    const home = tempHome()
    // The home's own key file (the dialect's options bring a shared key on PostgreSQL).
    const { database } = dialect.options()
    stores.push(await openStore({ home, ...(database ? { database } : {}) }))
    expect(statSync(home).mode & 0o777).toBe(0o700)
    expect(statSync(join(home, 'secret.key')).mode & 0o777).toBe(0o600)
    // On PostgreSQL the home holds the key file only; the database is the server's.
    if (each.name === 'sqlite') {
      expect(statSync(join(home, 'forcebridge.db')).mode & 0o777).toBe(0o600)
    }
  })

  it('lists and gets connections without their secrets', async () => {
    const store = await open()
    await store.connections.add(passwordConnection)
    const [listed] = await store.connections.list()
    const got = await store.connections.get('My Salesforce Connection')
    for (const info of [listed, got]) {
      expect(info).toMatchObject({
        name: 'My Salesforce Connection',
        active: true,
        loginUrl: 'https://login.salesforce.com',
        apiVersion: '66.0',
        secrets: { password: true, securityToken: true, clientSecret: true, privateKey: false },
      })
      for (const value of Object.values(secrets)) expect(JSON.stringify(info)).not.toContain(value)
    }
  })

  it('opens the secrets again for building a client', async () => {
    const store = await open()
    await store.connections.add(passwordConnection)
    const creds = await store.connections.credentials('My Salesforce Connection')
    expect(creds).toMatchObject(secrets)
  })

  it('keeps no secret in clear text in the database', async () => {
    const home = tempHome()
    const store = await open(home)
    await store.connections.add(passwordConnection)
    await store.settings.set('demo.apiKey', 'demo-api-key-0123456789', { secret: true })
    // SQLite: the bytes of its files; PostgreSQL: every stored value, as another client reads it.
    const stored =
      each.name === 'postgres'
        ? JSON.stringify([
            await rawSql(each, store, 'select * from connections'),
            await rawSql(each, store, 'select * from settings'),
          ])
        : ''
    await store.close()
    stores.length = 0
    const bytes =
      stored +
      readdirSync(home)
        .filter((f) => f.startsWith('forcebridge.db'))
        .map((f) => readFileSync(join(home, f)).toString('latin1'))
        .join('')
    expect(bytes).toContain('my.user@example.com')
    for (const value of [...Object.values(secrets), 'demo-api-key-0123456789']) {
      expect(bytes).not.toContain(value)
    }
  })

  it('refuses missing and empty secrets the flow needs, naming each field', async () => {
    const store = await open()
    const attempt = store.connections.add({
      ...passwordConnection,
      password: '',
      clientSecret: undefined,
    })
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_CONNECTION' })
    await expect(attempt).rejects.toThrow(/password must not be empty/)
    await expect(attempt).rejects.toThrow(/clientSecret is required for the password flow/)
    await expect(
      store.connections.add({ ...passwordConnection, loginUrl: 'ftp://x', apiVersion: '66' }),
    ).rejects.toThrow(/loginUrl must be an http\(s\) URL.*apiVersion must look like 66.0/)
  })

  it('accepts non-Latin names and refuses duplicates', async () => {
    const store = await open()
    await store.connections.add({ ...passwordConnection, name: 'Продажи 営業' })
    expect((await store.connections.get('Продажи 営業')).name).toBe('Продажи 営業')
    await expect(
      store.connections.add({ ...passwordConnection, name: 'Продажи 営業' }),
    ).rejects.toMatchObject({
      code: 'CONNECTION_EXISTS',
    })
  })

  it('edits a connection, keeping secrets that are not given', async () => {
    const store = await open()
    await store.connections.add(passwordConnection)
    await store.connections.update('My Salesforce Connection', {
      active: false,
      password: 'new-Password-1',
    })
    const creds = await store.connections.credentials('My Salesforce Connection')
    expect(creds).toMatchObject({
      active: false,
      password: 'new-Password-1',
      clientSecret: secrets.clientSecret,
    })
    await store.connections.remove('My Salesforce Connection')
    await expect(store.connections.get('My Salesforce Connection')).rejects.toMatchObject({
      code: 'CONNECTION_NOT_FOUND',
    })
  })

  it('keeps data across reopenings and refuses to open secrets with another key', async () => {
    const home = tempHome()
    const keyA = Buffer.alloc(32, 1).toString('base64')
    const first = await open(home, keyA)
    await first.connections.add(passwordConnection)
    await first.close()
    stores.length = 0
    const again = await open(home, keyA)
    expect((await again.connections.credentials('My Salesforce Connection')).password).toBe(
      secrets.password,
    )
    await again.close()
    stores.length = 0
    // Another key is refused at open, before it could seal anything the others cannot read.
    await expect(open(home, Buffer.alloc(32, 2).toString('base64'))).rejects.toMatchObject({
      code: 'SECRET_KEY_MISMATCH',
      message: expect.stringContaining('was first opened with another master key') as string,
    })
  })

  it('seals values for Redis under its own master key, bound to their context', async () => {
    const home = tempHome()
    const key = Buffer.alloc(32, 3).toString('base64')
    const a = await open(home, key)
    const sealed = a.sealer.seal('a token', 'token:crm')
    expect(sealed).not.toContain('a token')
    // Another process on the same store (another node) opens it; another context does not.
    const b = await open(home, key)
    expect(b.sealer.open(sealed, 'token:crm')).toBe('a token')
    expect(() => b.sealer.open(sealed, 'token:other')).toThrow()
  })

  it('says what is wrong with a bad FORCEBRIDGE_SECRET_KEY', async () => {
    await expect(openStore({ home: tempHome(), secretKey: 'c2hvcnQ=' })).rejects.toThrow(
      /FORCEBRIDGE_SECRET_KEY must be base64 of exactly 32 bytes/,
    )
  })

  it('checks API keys against their hash only', async () => {
    const store = await open()
    const { definition, key } = await store.security.createApiKey('demo')
    expect(await store.security.verifyApiKey(definition.id, key)).toBe(true)
    expect(await store.security.verifyApiKey(definition.id, key + 'x')).toBe(false)
    const [row] = await rawSql(dialect, store, 'select * from security_definitions')
    expect(row?.key_hash).not.toContain(key)
  })
})

describe.each(dialects)('settings.getOrCreate ($name)', (each) => {
  useStoreDialect(each)
  beforeEach(() => {
    dialect = each
  })

  it('keeps the first value written, across two processes sharing the store', async () => {
    const home = tempHome()
    const a = await open(home)
    const b = await open(home)
    const [fromA, fromB] = await Promise.all([
      a.settings.getOrCreate('shared-key', 'value-from-a', { secret: true }),
      b.settings.getOrCreate('shared-key', 'value-from-b', { secret: true }),
    ])
    expect(fromA).toBe(fromB)
    expect(await a.settings.getOrCreate('shared-key', 'a-later-value')).toBe(fromA)
    expect(await b.settings.get('shared-key')).toBe(fromA)
  })
})
