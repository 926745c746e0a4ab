import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { filesAtRest, foundAtRest } from './fixtures/bytes-at-rest.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DATABASE_FILE, openStore, type Store } from '../../src/store/index.js'
import { storeDialects, useStoreDialect, type StoreDialect } from '../fixtures/store-dialects.js'
import { rawSql } from './fixtures/raw-database.js'

const dialects = storeDialects('channels')
/** The dialect of the block running now (each block sets it before its tests). */
let dialect: StoreDialect

const homes: string[] = []
const stores: Store[] = []
async function open(home?: string): Promise<Store> {
  const parent = home ? undefined : mkdtempSync(join(tmpdir(), 'fb-chsec-'))
  const dir = home ?? join(parent!, 'home')
  if (parent) homes.push(parent)
  const store = await openStore({ home: dir, ...dialect.options() })
  stores.push(store)
  return store
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true })
})

const HS_SECRET = 'a-shared-secret-of-at-least-32-characters!'

describe.each(dialects)('channels ($name)', (each) => {
  useStoreDialect(each)
  beforeEach(() => {
    dialect = each
  })

  it('keeps limits, updates in place and refuses bad values with their field named', async () => {
    const store = await open()
    const added = await store.channels.add({
      method: 'post',
      path: '/invoices/:id',
      service: 'invoice',
      securityDefinitionId: null,
      rateLimit: { requests: 10, perSeconds: 60 },
      timeoutMs: 2500,
    })
    expect(added).toMatchObject({
      method: 'POST',
      rateLimit: { requests: 10, perSeconds: 60 },
      timeoutMs: 2500,
      maxBodyBytes: null,
    })
    const updated = await store.channels.update(added.id, { maxBodyBytes: 4096, rateLimit: null })
    expect(updated).toMatchObject({
      id: added.id,
      maxBodyBytes: 4096,
      rateLimit: null,
      timeoutMs: 2500,
    })
    expect(await store.channels.get(added.id)).toEqual(updated)

    await expect(store.channels.update(added.id, { timeoutMs: 5 })).rejects.toThrow(
      /timeoutMs must be at least 100 ms/,
    )
    await expect(
      store.channels.add({
        method: 'GET',
        path: '/openapi.json',
        service: 's',
        securityDefinitionId: null,
      }),
    ).rejects.toThrow(/reserved/)
    const other = await store.channels.add({
      method: 'GET',
      path: '/other',
      service: 's',
      securityDefinitionId: null,
    })
    await expect(
      store.channels.update(other.id, { method: 'POST', path: '/invoices/:id' }),
    ).rejects.toThrow(/POST \/invoices\/:id already exists/)
    await expect(store.channels.update('nope', {})).rejects.toThrow(/no channel with id nope/)
  })
})

describe.each(dialects)('security definitions ($name)', (each) => {
  useStoreDialect(each)
  beforeEach(() => {
    dialect = each
  })

  it('makes each kind, never lists a secret, and verifies the right credential only', async () => {
    const store = await open()
    const key = await store.security.create({ kind: 'api_key', name: 'partners' })
    expect(key.key).toMatch(/^fb_/)
    const basic = await store.security.create({
      kind: 'basic',
      name: 'ERP Basic',
      username: 'erp',
      password: 'correct horse battery',
    })
    const hs = await store.security.create({
      kind: 'jwt',
      name: 'Ιδιωτικό JWT',
      algorithm: 'HS256',
      secret: HS_SECRET,
      issuer: 'https://issuer.example',
    })
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const rs = await store.security.create({
      kind: 'jwt',
      name: 'RS',
      algorithm: 'RS256',
      publicKey: pem,
    })

    const listed = JSON.stringify(await store.security.list())
    for (const secret of [key.key!, 'correct horse battery', HS_SECRET])
      expect(listed).not.toContain(secret)
    expect(basic.definition).toMatchObject({ kind: 'basic', username: 'erp' })
    expect(hs.definition).toMatchObject({
      kind: 'jwt',
      algorithm: 'HS256',
      hasSecret: true,
      issuer: 'https://issuer.example',
    })
    expect(rs.definition).toMatchObject({
      kind: 'jwt',
      algorithm: 'RS256',
      publicKey: pem.trim(),
      hasSecret: false,
    })

    expect(await store.security.verifyApiKey(key.definition.id, key.key!)).toBe(true)
    expect(await store.security.verifyApiKey(key.definition.id, `${key.key!}x`)).toBe(false)
    expect(await store.security.verifyApiKey(basic.definition.id, key.key!)).toBe(false)
    expect(
      await store.security.verifyBasic(basic.definition.id, 'erp', 'correct horse battery'),
    ).toBe(true)
    expect(
      await store.security.verifyBasic(basic.definition.id, 'erp', 'wrong horse battery'),
    ).toBe(false)
    expect(
      await store.security.verifyBasic(basic.definition.id, 'other', 'correct horse battery'),
    ).toBe(false)

    const material = await store.security.material()
    expect(material.find((m) => m.id === hs.definition.id)).toMatchObject({ secret: HS_SECRET })
    // The HS256 secret is sealed at rest, the basic password hashed.
    if (each.name === 'sqlite') {
      // Every file of the open store, its -wal (where these rows were just written) included.
      expect(filesAtRest(store.home)).toContain(`${DATABASE_FILE}-wal`)
      expect(foundAtRest(store.home, HS_SECRET)).toEqual([])
      expect(foundAtRest(store.home, 'correct horse battery')).toEqual([])
      // The check can fail: the same secret written in clear is found.
      await store.settings.set('test.planted', HS_SECRET)
      expect(foundAtRest(store.home, HS_SECRET)).toContain(`${DATABASE_FILE}-wal`)
    } else {
      const rows = async (table: string) =>
        JSON.stringify(await rawSql(each, store, `select * from ${table}`))
      expect(await rows('security_definitions')).not.toContain(HS_SECRET)
      expect(await rows('security_definitions')).not.toContain('correct horse battery')
      // The check can fail: the same secret written in clear is found.
      await store.settings.set('test.planted', HS_SECRET)
      expect(await rows('settings')).toContain(HS_SECRET)
    }
  })

  it('edits keep stored secrets unless replaced, rotate API keys, and refuse kind-specific mistakes', async () => {
    const store = await open()
    const basic = await store.security.create({
      kind: 'basic',
      name: 'b',
      username: 'u1',
      password: 'password-one',
    })
    await store.security.update(basic.definition.id, { username: 'u2' })
    expect(await store.security.verifyBasic(basic.definition.id, 'u2', 'password-one')).toBe(true)
    await store.security.update(basic.definition.id, { password: 'password-two' })
    expect(await store.security.verifyBasic(basic.definition.id, 'u2', 'password-two')).toBe(true)
    expect(await store.security.verifyBasic(basic.definition.id, 'u2', 'password-one')).toBe(false)

    const hs = await store.security.create({
      kind: 'jwt',
      name: 'j',
      algorithm: 'HS256',
      secret: HS_SECRET,
    })
    const edited = await store.security.update(hs.definition.id, { name: 'j2', audience: 'orders' })
    expect(edited.definition).toMatchObject({ name: 'j2', audience: 'orders', hasSecret: true })
    expect((await store.security.material()).find((m) => m.id === hs.definition.id)).toMatchObject({
      secret: HS_SECRET,
    })
    await expect(store.security.update(hs.definition.id, { algorithm: 'RS256' })).rejects.toThrow(
      /publicKey or jwksUrl is required for RS256/,
    )

    const api = await store.security.createApiKey('k')
    const rotated = await store.security.update(api.definition.id, { rotate: true })
    expect(rotated.key).toMatch(/^fb_/)
    expect(await store.security.verifyApiKey(api.definition.id, api.key)).toBe(false)
    expect(await store.security.verifyApiKey(api.definition.id, rotated.key!)).toBe(true)

    await expect(
      store.security.create({ kind: 'jwt', name: 'x', algorithm: 'HS256', secret: 'short' }),
    ).rejects.toThrow(/secret must be at least 32 characters/)
    await expect(
      store.security.create({ kind: 'jwt', name: 'y', algorithm: 'RS256', publicKey: 'not a key' }),
    ).rejects.toThrow(/not an RSA public key/)
    await expect(
      store.security.create({
        kind: 'basic',
        name: 'z',
        username: 'a:b',
        password: 'password-one',
      }),
    ).rejects.toThrow(/username must not contain a colon/)
    await expect(
      store.security.create({ kind: 'basic', name: 'b', username: 'u', password: 'password-one' }),
    ).rejects.toThrow(/'b' already exists/)

    await store.channels.add({
      method: 'GET',
      path: '/x',
      service: 's',
      securityDefinitionId: api.definition.id,
    })
    await expect(store.security.remove(api.definition.id)).rejects.toThrow(/used by GET \/x/)
  })
})

describe.each(dialects)('revision ($name)', (each) => {
  useStoreDialect(each)
  beforeEach(() => {
    dialect = each
  })

  it('changes on every configuration write, here or from another process', async () => {
    const store = await open()
    const r0 = store.revision()
    expect(store.revision()).toBe(r0)
    await store.channels.add({
      method: 'GET',
      path: '/a',
      service: 's',
      securityDefinitionId: null,
    })
    const r1 = store.revision()
    expect(r1).not.toBe(r0)
    await store.connections.list()
    expect(store.revision()).toBe(r1)

    // Another connection to the same database (a CLI command beside the server).
    await rawSql(each, store, "UPDATE channels SET service = 'changed'")
    // SQLite: another process's commit is seen from the next event-loop turn (the external
    // version is read at most once per turn); PostgreSQL: once its notification arrives.
    await expect.poll(() => store.revision(), { interval: 5, timeout: 1000 }).not.toBe(r1)
  })

  it('keeps definitions made before the upgrade working as API keys', async () => {
    const store = await open()
    const made = await store.security.createApiKey('old', 'an-old-key-of-16-chars')
    // A row as migration 0002 left it: no config, no updated_at.
    await rawSql(
      each,
      store,
      'update security_definitions set config = null, updated_at = null where id = ?',
      [made.definition.id],
    )
    expect(await store.security.get(made.definition.id)).toMatchObject({
      kind: 'api_key',
      name: 'old',
    })
    expect(await store.security.verifyApiKey(made.definition.id, 'an-old-key-of-16-chars')).toBe(
      true,
    )
  })
})
