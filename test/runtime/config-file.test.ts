// Reading and applying configuration files against a real store: updates are detected field by
// field (secrets and API keys included), and a failure halfway leaves the store untouched.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exportSPKI, generateKeyPair } from 'jose'
import {
  applyConfig,
  ConfigFileError,
  envStem,
  exportConfig,
  readConfig,
} from '../../src/runtime/config-file/index.js'
import { createLogger, openAsyncInvocations, type Scheduler } from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { testDatabase } from '../fixtures/test-store.js'

let dir: string
let store: Store
let scheduler: Scheduler

function schedulerOf(s: Store): Scheduler {
  const jobs = openAsyncInvocations(s, createLogger({ level: 'silent' }), {
    concurrency: 0,
    scheduler: false,
  })
  return jobs.scheduler
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fb-config-file-'))
  store = await openStore({ home: dir, ...(await testDatabase(dir)) })
  scheduler = schedulerOf(store)
})

afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

const env = {
  CRM_SECRET: 'client-secret-one',
  CRM_PASSWORD: 'password-one',
  KEY: 'api-key-0123456789-one',
}

function file(overrides: { secret?: string; key?: string; service?: string; note?: string } = {}) {
  return [
    'version: 1',
    'connections:',
    '  - name: crm',
    '    loginUrl: https://login.salesforce.com',
    '    authFlow: password',
    '    username: u@example.com',
    '    clientId: cid',
    `    clientSecret: ${overrides.secret ?? '${CRM_SECRET}'}`,
    '    password: ${CRM_PASSWORD}',
    'securityDefinitions:',
    '  - name: partners',
    '    kind: api_key',
    `    apiKey: ${overrides.key ?? '${KEY}'}`,
    'channels:',
    '  - method: post',
    '    path: /orders',
    `    service: ${overrides.service ?? 'orders.sync'}`,
    '    securityDefinition: partners',
    'schedules:',
    '  - name: nightly',
    "    cron: '0 2 * * *'",
    '    service: orders.sync',
    '    input:',
    `      note: '${overrides.note ?? 'costs $${PRICE}'}'`,
    '',
  ].join('\n')
}

function apply(text: string, vars: Record<string, string> = env, dryRun = false) {
  return applyConfig(store, scheduler, readConfig(text, 'c.yaml', vars), { dryRun })
}

describe('envStem', () => {
  it('spells names in upper snake case ASCII', () => {
    expect(envStem('my salesforce connection')).toBe('MY_SALESFORCE_CONNECTION')
    expect(envStem('Café-EU (prod)')).toBe('CAFE_EU_PROD')
  })

  it('gives non-Latin names a hash that keeps them apart', () => {
    expect(envStem('Πελάτες')).toMatch(/^NAME_[0-9A-F]{8}$/)
    expect(envStem('고객')).toMatch(/^NAME_[0-9A-F]{8}$/)
    expect(envStem('고객')).not.toBe(envStem('Πελάτες'))
    expect(envStem('crm-Κύπρος')).toMatch(/^CRM_[0-9A-F]{8}$/)
    expect(envStem('crm-Κύπρος')).not.toBe(envStem('crm-Ελλάδα'))
  })
})

describe('applyConfig', () => {
  it('creates, then finds each changed field and updates only that thing', async () => {
    const first = await apply(file())
    expect(first.connections.created).toEqual(['crm'])
    expect((await scheduler.get('nightly'))?.input).toEqual({ note: 'costs ${PRICE}' })

    const second = await apply(file({ secret: 'client-secret-two' }))
    expect(second.connections.updated).toEqual(['crm'])
    expect(second.securityDefinitions.unchanged).toEqual(['partners'])
    expect(second.channels.unchanged).toEqual(['POST /orders'])
    expect((await store.connections.credentials('crm')).clientSecret).toBe('client-secret-two')

    const third = await apply(file({ secret: 'client-secret-two', key: 'api-key-0123456789-two' }))
    expect(third.connections.unchanged).toEqual(['crm'])
    expect(third.securityDefinitions.updated).toEqual(['partners'])
    const partners = await store.security.find('partners')
    expect(await store.security.verifyApiKey(partners?.id ?? '', 'api-key-0123456789-two')).toBe(
      true,
    )
    expect(await store.security.verifyApiKey(partners?.id ?? '', env.KEY)).toBe(false)

    const fourth = await apply(file({ service: 'orders.v2', note: 'other' }))
    expect(fourth.channels.updated).toEqual(['POST /orders'])
    expect(fourth.schedules.updated).toEqual(['nightly'])
    expect((await store.channels.find('POST', '/orders'))?.service).toBe('orders.v2')
    // The replaced channel still carries its security definition.
    expect((await store.channels.find('POST', '/orders'))?.securityDefinitionId).toBe(partners?.id)
  })

  it('clears a secret the file leaves out', async () => {
    await apply(file())
    await store.connections.update('crm', { securityToken: 'token-set-elsewhere' })
    const summary = await apply(file())
    expect(summary.connections.updated).toEqual(['crm'])
    expect((await store.connections.get('crm')).secrets.securityToken).toBe(false)
  })

  it('rolls everything back when the store refuses one item, naming its line', async () => {
    // /healthz passes the file schema but the channel repository reserves it.
    const text = file().replace('path: /orders', 'path: /healthz')
    const err = await apply(text).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConfigFileError)
    expect((err as ConfigFileError).issues[0]).toMatchObject({ line: 15, path: 'channels[0]' })
    expect((err as ConfigFileError).message).toContain('is reserved')
    expect(await store.connections.list()).toEqual([])
    expect(await store.security.list()).toEqual([])
    expect(await scheduler.list()).toEqual([])
  })

  it('refuses a channel whose security definition exists nowhere', async () => {
    const text = file().replace('securityDefinition: partners', 'securityDefinition: ghost')
    const err = await apply(text).catch((e: unknown) => e)
    expect((err as ConfigFileError).issues).toMatchObject([
      { line: 18, col: 25, path: 'channels[0].securityDefinition' },
    ])
    expect(await store.connections.list()).toEqual([])
  })

  it('writes nothing on a dry run', async () => {
    const summary = await apply(file(), env, true)
    expect(summary.connections.created).toEqual(['crm'])
    expect(await store.connections.list()).toEqual([])
    expect(await store.channels.list()).toEqual([])
  })
})

const KINDS = {
  apiKey: 'partner-key-0123456789abcdef',
  officePassword: 'office-password-one',
  jwtSecret: 'hs256-shared-secret-0123456789abcdef',
}
const { publicKey: rsaKey } = await generateKeyPair('RS256')
const PUBLIC_KEY = await exportSPKI(rsaKey)

/** Every security kind and every channel limit, as an operator makes them with the store's API. */
async function seedAllKinds(s: Store): Promise<void> {
  const partners = await s.security.create({ kind: 'api_key', name: 'partners', key: KINDS.apiKey })
  const office = await s.security.create({
    kind: 'basic',
    name: 'back office',
    username: 'office',
    password: KINDS.officePassword,
  })
  const tokens = await s.security.create({
    kind: 'jwt',
    name: 'tokens',
    algorithm: 'HS256',
    secret: KINDS.jwtSecret,
    issuer: 'https://issuer.example',
  })
  const idp = await s.security.create({
    kind: 'jwt',
    name: 'idp',
    algorithm: 'RS256',
    publicKey: PUBLIC_KEY,
    audience: 'forcebridge',
  })
  await s.security.create({
    kind: 'jwt',
    name: 'remote keys',
    algorithm: 'RS256',
    jwksUrl: 'https://idp.example/.well-known/jwks.json',
  })
  await s.channels.add({
    method: 'POST',
    path: '/orders/:id',
    service: 'orders.sync',
    securityDefinitionId: partners.definition.id,
    rateLimit: { requests: 100, perSeconds: 60 },
    timeoutMs: 5000,
    maxBodyBytes: 65536,
  })
  await s.channels.add({
    method: 'GET',
    path: '/orders',
    service: 'orders.list',
    securityDefinitionId: office.definition.id,
    timeoutMs: 2000,
  })
  await s.channels.add({
    method: 'PUT',
    path: '/tokens',
    service: 'orders.sync',
    securityDefinitionId: tokens.definition.id,
  })
  await s.channels.add({
    method: 'DELETE',
    path: '/orders/:id',
    service: 'orders.delete',
    securityDefinitionId: idp.definition.id,
    maxBodyBytes: 1024,
  })
}

/** The variables the exported file names, filled with the seeded secrets. */
function secretsFor(variables: { name: string }[]): Record<string, string> {
  const known: Record<string, string> = {
    FB_PARTNERS_API_KEY: KINDS.apiKey,
    FB_BACK_OFFICE_PASSWORD: KINDS.officePassword,
    FB_TOKENS_JWT_SECRET: KINDS.jwtSecret,
  }
  for (const v of variables) expect(known).toHaveProperty(v.name)
  return known
}

/** `value` without the fields that differ between homes by nature (ids, times). */
function withoutIdentity(value: object): Record<string, unknown> {
  const skip = ['id', 'createdAt', 'updatedAt', 'securityDefinitionId']
  return Object.fromEntries(Object.entries(value).filter(([k]) => !skip.includes(k)))
}

/** What an operator sees of the channels and definitions, ids and times left out. */
async function configuration(s: Store) {
  const definitions = await s.security.list()
  const material = await s.security.material()
  return {
    definitions: await Promise.all(
      definitions.map(async (d) => {
        const m = material.find((x) => x.id === d.id)
        return {
          ...withoutIdentity(d),
          name: d.name,
          apiKeyMatches: await s.security.verifyApiKey(d.id, KINDS.apiKey),
          basicMatches: await s.security.verifyBasic(d.id, 'office', KINDS.officePassword),
          jwtSecret: m?.kind === 'jwt' ? m.secret : undefined,
        }
      }),
    ),
    channels: (await s.channels.list()).map((c) => ({
      ...withoutIdentity(c),
      security: definitions.find((d) => d.id === c.securityDefinitionId)?.name,
    })),
  }
}

describe('security kinds and channel limits in files', () => {
  it('export then import into an empty home gives the same configuration, then changes nothing', async () => {
    await seedAllKinds(store)
    const exported = await exportConfig(store, scheduler)
    for (const secret of Object.values(KINDS)) expect(exported.yaml).not.toContain(secret)
    expect(exported.yaml).toContain('password: ${FB_BACK_OFFICE_PASSWORD}')
    expect(exported.yaml).toContain('secret: ${FB_TOKENS_JWT_SECRET}')
    expect(exported.yaml).toMatch(/rateLimit:\s+requests: 100\s+perSeconds: 60/)
    const vars = secretsFor(exported.variables)

    const copyDir = mkdtempSync(join(tmpdir(), 'fb-config-copy-'))
    const copy = await openStore({ home: copyDir, ...(await testDatabase(copyDir)) })
    try {
      const copyScheduler = schedulerOf(copy)
      const config = readConfig(exported.yaml, 'exported.yaml', vars)
      const first = await applyConfig(copy, copyScheduler, config)
      expect(first.securityDefinitions.created).toHaveLength(5)
      expect(first.channels.created).toHaveLength(4)
      const original = await configuration(store)
      expect(await configuration(copy)).toEqual(original)
      // The comparison is not vacuous: each secret matched where it belongs.
      expect(original.definitions.find((d) => d.name === 'partners')?.apiKeyMatches).toBe(true)
      expect(original.definitions.find((d) => d.name === 'back office')?.basicMatches).toBe(true)
      expect(original.definitions.find((d) => d.name === 'tokens')?.jwtSecret).toBe(KINDS.jwtSecret)

      const ids = (await copy.channels.list()).map((c) => c.id)
      const again = await applyConfig(
        copy,
        copyScheduler,
        readConfig(exported.yaml, 'e.yaml', vars),
      )
      expect(again.securityDefinitions).toMatchObject({ created: [], updated: [] })
      expect(again.securityDefinitions.unchanged).toHaveLength(5)
      expect(again.channels).toMatchObject({ created: [], updated: [] })
      expect((await copy.channels.list()).map((c) => c.id)).toEqual(ids)
    } finally {
      await copy.close()
      rmSync(copyDir, { recursive: true, force: true })
    }
  })

  it('applies a changed password, JWT secret or limit in place, keeping ids', async () => {
    await seedAllKinds(store)
    const { yaml, variables } = await exportConfig(store, scheduler)
    const vars = secretsFor(variables)
    const before = new Map((await store.security.list()).map((d) => [d.name, d.id]))
    const channelBefore = await store.channels.find('POST', '/orders/:id')

    const changed = yaml
      .replace('requests: 100', 'requests: 5')
      .replace(/^ +timeoutMs: 2000\n/m, '')
    const summary = await applyConfig(
      store,
      scheduler,
      readConfig(changed, 'c.yaml', {
        ...vars,
        FB_BACK_OFFICE_PASSWORD: 'office-password-two',
        FB_TOKENS_JWT_SECRET: 'another-hs256-secret-0123456789abcdef',
      }),
    )
    expect(summary.securityDefinitions.updated.sort()).toEqual(['back office', 'tokens'])
    expect(summary.securityDefinitions.unchanged.sort()).toEqual(['idp', 'partners', 'remote keys'])
    expect(summary.channels.updated.sort()).toEqual(['GET /orders', 'POST /orders/:id'])
    const office = before.get('back office') ?? ''
    expect(await store.security.verifyBasic(office, 'office', 'office-password-two')).toBe(true)
    expect(await store.security.verifyBasic(office, 'office', KINDS.officePassword)).toBe(false)
    const tokens = (await store.security.material()).find((m) => m.id === before.get('tokens'))
    expect(tokens).toMatchObject({ secret: 'another-hs256-secret-0123456789abcdef' })
    expect(new Map((await store.security.list()).map((d) => [d.name, d.id]))).toEqual(before)
    const channel = await store.channels.find('POST', '/orders/:id')
    expect(channel).toMatchObject({
      id: channelBefore?.id,
      rateLimit: { requests: 5, perSeconds: 60 },
    })
    // A limit the file leaves out is cleared.
    expect((await store.channels.find('GET', '/orders'))?.timeoutMs).toBeNull()
  })

  it('turns a definition into another kind, moving its channels over', async () => {
    await apply(file())
    const text = file().replace(
      '    kind: api_key\n    apiKey: ${KEY}',
      '    kind: jwt\n    algorithm: HS256\n    secret: ${SECRET}\n    audience: partners',
    )
    const vars = { ...env, SECRET: 'partners-hs256-secret-0123456789abcdef' }
    const summary = await apply(text, vars)
    expect(summary.securityDefinitions.updated).toEqual(['partners'])
    const partners = await store.security.find('partners')
    expect(partners).toMatchObject({ kind: 'jwt', algorithm: 'HS256', audience: 'partners' })
    expect((await store.channels.find('POST', '/orders'))?.securityDefinitionId).toBe(partners?.id)
    expect(await store.security.list()).toHaveLength(1)
    expect((await apply(text, vars)).securityDefinitions.unchanged).toEqual(['partners'])
  })

  it('reports a bad definition or limit at its own line and column', () => {
    const text = [
      'version: 1',
      'securityDefinitions:',
      '  - name: tokens',
      '    kind: jwt',
      '    algorithm: HS256',
      '    publicKey: not-for-hs256',
      '  - name: odd',
      '    kind: oauth',
      'channels:',
      '  - method: GET',
      '    path: /x',
      '    service: x',
      '    rateLimit:',
      '      requests: 0',
      '      perSeconds: 1',
      '    timeoutMs: 10',
      '',
    ].join('\n')
    const err = (() => {
      try {
        readConfig(text, 'c.yaml', {})
      } catch (e) {
        return e as ConfigFileError
      }
    })()
    expect(err?.issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`)).toEqual([
      '5:16 securityDefinitions[0].algorithm: HS256 needs a secret (a ${VAR} reference)',
      '6:16 securityDefinitions[0].publicKey: is for RS256; HS256 uses secret',
      '8:11 securityDefinitions[1].kind: must be one of api_key, basic, jwt',
      '14:17 channels[0].rateLimit.requests: must allow at least 1 request',
      '16:16 channels[0].timeoutMs: must be at least 100 ms',
    ])
  })
})

describe('readConfig', () => {
  it('points at an unknown field itself', () => {
    const text = file().replace('    kind: api_key', '    kind: api_key\n    colour: red')
    expect(() => readConfig(text, 'c.yaml', env)).toThrow(
      "c.yaml:13:5: securityDefinitions[0].colour: unknown field 'colour'",
    )
  })

  it('refuses a key given twice, at the second one', () => {
    const text = `${file()}connections:\n`
    expect(() => readConfig(text, 'c.yaml', env)).toThrow(/c\.yaml:25:1: Map keys must be unique/)
  })

  it('reports a second connection of the same name at its own line', () => {
    const entry = file().split('\n').slice(2, 9).join('\n')
    const text = `version: 1\nconnections:\n${entry}\n${entry}\n`
    expect(() => readConfig(text, 'c.yaml', env)).toThrow(
      "c.yaml:10:5: connections[1]: connection 'crm' is already defined at connections[0]",
    )
  })
})

describe('docs/config.md', () => {
  it('holds a complete example that imports', async () => {
    const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8')
    const example = /A complete example:\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? ''
    const vars = Object.fromEntries(
      [...example.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map(([, name]) => [
        name ?? '',
        name === 'SF_REPORTING_PRIVATE_KEY'
          ? '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n'
          : `value-of-${name ?? ''}-long-enough`,
      ]),
    )
    const summary = await applyConfig(store, scheduler, readConfig(example, 'config.yaml', vars))
    expect(summary.connections.created).toHaveLength(3)
    expect(summary.securityDefinitions.created).toEqual([
      'partners',
      'back office',
      'tokens',
      'idp',
    ])
    expect(summary.channels.created).toHaveLength(2)
    expect((await store.channels.find('POST', '/orders/:id'))?.rateLimit).toEqual({
      requests: 100,
      perSeconds: 60,
    })
    expect(summary.schedules.created).toEqual(['nightly sync', 'every five minutes'])
  })
})
