// Reading and applying configuration files against a real store: updates are detected field by
// field (secrets and API keys included), and a failure halfway leaves the store untouched.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  applyConfig,
  ConfigFileError,
  envStem,
  readConfig,
} from '../../src/runtime/config-file/index.js'
import { createLogger, openAsyncInvocations, type Scheduler } from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'

let dir: string
let store: Store
let scheduler: Scheduler

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fb-config-file-'))
  store = await openStore({ home: dir })
  ;({ scheduler } = await openAsyncInvocations(store.db, createLogger({ level: 'silent' }), {
    concurrency: 0,
    scheduler: false,
  }))
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
    expect(summary.securityDefinitions.created).toEqual(['partners'])
    expect(summary.channels.created).toHaveLength(2)
    expect(summary.schedules.created).toEqual(['nightly sync', 'every five minutes'])
  })
})
