// `forcebridge export` and `forcebridge import` in process: a configuration written from one home
// and applied to an empty one gives the same connections, security definitions, channels and
// schedules, with every secret travelling through environment variables only.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { createLogger, openAsyncInvocations } from '../../src/runtime/index.js'
import { openStore } from '../../src/store/index.js'
import { runCli } from './fixtures/run-cli.js'
import { testDatabase } from '../fixtures/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-cli-config-'))
const sourceHome = join(dir, 'source')
const PEM =
  '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n'
const SECRETS = {
  password: 'pw-Ωmega-secret-1',
  securityToken: 'tok-secret-AbC123',
  clientSecret: 'client-secret-987',
  koreanSecret: 'korean-client-secret-555',
  greekRefresh: 'greek-refresh-token-777',
  apiKey: 'partner-key-0123456789abcdef',
  privateKey: PEM,
}
const savedEnv = { ...process.env }

async function seed(home: string): Promise<void> {
  const store = await openStore({ home, ...(await testDatabase(home)) })
  await store.connections.add({
    name: 'my salesforce connection',
    loginUrl: 'https://login.salesforce.com',
    authFlow: 'password',
    username: 'integration@example.com',
    clientId: '3MVG9-client',
    clientSecret: SECRETS.clientSecret,
    password: SECRETS.password,
    securityToken: SECRETS.securityToken,
  })
  await store.connections.add({
    name: '고객 관리',
    loginUrl: 'https://test.salesforce.com',
    apiVersion: '62.0',
    authFlow: 'client_credentials',
    clientId: 'korean-client',
    clientSecret: SECRETS.koreanSecret,
    active: false,
  })
  await store.connections.add({
    name: 'Πελάτες',
    loginUrl: 'https://login.salesforce.com',
    authFlow: 'refresh_token',
    clientId: 'greek-client',
    refreshToken: SECRETS.greekRefresh,
  })
  await store.connections.add({
    name: 'jwt-crm',
    loginUrl: 'https://login.salesforce.com',
    authFlow: 'jwt_bearer',
    clientId: 'jwt-client',
    username: 'jwt@example.com',
    privateKey: SECRETS.privateKey,
  })
  const { definition } = await store.security.createApiKey('partners', SECRETS.apiKey)
  await store.channels.add({
    method: 'POST',
    path: '/orders/:id',
    service: 'orders.sync',
    securityDefinitionId: definition.id,
  })
  await store.channels.add({
    method: 'GET',
    path: '/ping',
    service: 'ping',
    securityDefinitionId: null,
  })
  const { scheduler } = openAsyncInvocations(store, createLogger({ level: 'silent' }), {
    concurrency: 0,
    scheduler: false,
  })
  await scheduler.add({
    name: 'nightly sync',
    cron: '0 2 * * *',
    timezone: 'Europe/Athens',
    service: 'orders.sync',
    input: { full: true, note: 'literal ${NOT_A_VAR}', ids: [1, 2] },
    missedRunPolicy: 'run-once',
    maxCatchUp: 5,
  })
  await scheduler.add({ name: 'paused', cron: '*/5 * * * *', service: 'ping', enabled: false })
  await store.close()
}

/** `value` without `keys`: ids and times differ between homes by nature. */
function omit<T extends object>(value: T, keys: readonly (keyof T)[]): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([k]) => !keys.includes(k as keyof T)),
  ) as Partial<T>
}

/** Everything an operator can see of the configuration in `home`, ids and times left out. */
async function snapshot(home: string) {
  const store = await openStore({ home, ...(await testDatabase(home)) })
  try {
    const { scheduler } = openAsyncInvocations(store, createLogger({ level: 'silent' }), {
      concurrency: 0,
      scheduler: false,
    })
    const definitions = await store.security.list()
    const connections = await Promise.all(
      (await store.connections.list()).map(async (c) => {
        return omit(await store.connections.credentials(c.name), ['id', 'createdAt', 'updatedAt'])
      }),
    )
    return {
      connections,
      securityDefinitions: await Promise.all(
        definitions.map(async (d) => ({
          name: d.name,
          kind: d.kind,
          keyMatches: await store.security.verifyApiKey(d.id, SECRETS.apiKey),
        })),
      ),
      channels: (await store.channels.list()).map((c) => ({
        method: c.method,
        path: c.path,
        service: c.service,
        security: definitions.find((d) => d.id === c.securityDefinitionId)?.name ?? null,
      })),
      schedules: (await scheduler.list()).map((s) =>
        omit(s, ['lastRunAt', 'nextRunAt', 'createdAt', 'updatedAt']),
      ),
    }
  } finally {
    await store.close()
  }
}

function useHome(home: string): void {
  process.env.FORCEBRIDGE_HOME = home
}

/** Puts each variable the exported file lists into the environment, from the known secrets. */
function exportSecrets(yamlText: string): void {
  const values: Record<string, string> = {
    SF_MY_SALESFORCE_CONNECTION_PASSWORD: SECRETS.password,
    SF_MY_SALESFORCE_CONNECTION_SECURITY_TOKEN: SECRETS.securityToken,
    SF_MY_SALESFORCE_CONNECTION_CLIENT_SECRET: SECRETS.clientSecret,
    SF_JWT_CRM_PRIVATE_KEY: SECRETS.privateKey,
    FB_PARTNERS_API_KEY: SECRETS.apiKey,
  }
  const doc = parse(yamlText) as { connections: Record<string, string>[] }
  const korean = doc.connections.find((c) => c.name === '고객 관리')
  const greek = doc.connections.find((c) => c.name === 'Πελάτες')
  values[String(korean?.clientSecret).slice(2, -1)] = SECRETS.koreanSecret
  values[String(greek?.refreshToken).slice(2, -1)] = SECRETS.greekRefresh
  Object.assign(process.env, values)
}

let exported = ''

beforeAll(async () => {
  process.env.FORCEBRIDGE_LOG_LEVEL = 'warn'
  await seed(sourceHome)
  useHome(sourceHome)
  const result = await runCli('export')
  expect(result.code).toBe(0)
  exported = result.out
})

afterAll(() => {
  process.env = savedEnv
  rmSync(dir, { recursive: true, force: true })
})

describe('forcebridge export', () => {
  it('writes no secret value, only references listed in the header', () => {
    for (const secret of Object.values(SECRETS)) {
      expect(exported).not.toContain(secret)
    }
    expect(exported).not.toContain('BEGIN PRIVATE KEY')
    expect(exported).toContain('password: ${SF_MY_SALESFORCE_CONNECTION_PASSWORD}')
    expect(exported).toContain('apiKey: ${FB_PARTNERS_API_KEY}')
    const header = exported.slice(0, exported.indexOf('version: 1'))
    expect(header).toMatch(/^#\s+SF_MY_SALESFORCE_CONNECTION_PASSWORD\s+password of connection/m)
    expect(header).toMatch(/^#\s+FB_PARTNERS_API_KEY\s+API key/m)
  })

  it('names the variables of non-Latin connections in ASCII, one apart from the other', () => {
    const doc = parse(exported) as { connections: Record<string, string>[] }
    const korean = doc.connections.find((c) => c.name === '고객 관리')?.clientSecret
    const greek = doc.connections.find((c) => c.name === 'Πελάτες')?.refreshToken
    expect(korean).toMatch(/^\$\{SF_[A-Z0-9_]+_CLIENT_SECRET\}$/)
    expect(greek).toMatch(/^\$\{SF_[A-Z0-9_]+_REFRESH_TOKEN\}$/)
    expect(korean?.replace('_CLIENT_SECRET', '')).not.toBe(greek?.replace('_REFRESH_TOKEN', ''))
  })

  it('writes to --file', async () => {
    const file = join(dir, 'written.yaml')
    const result = await runCli('export', '--file', file)
    expect(result.code).toBe(0)
    expect(result.out).toContain('7 environment variable(s)')
    expect(readFileSync(file, 'utf8')).toBe(exported)
  })
})

describe('forcebridge import', () => {
  const file = join(dir, 'config.yaml')

  it('recreates the same configuration in an empty home', async () => {
    writeFileSync(file, exported)
    exportSecrets(exported)
    useHome(join(dir, 'copy'))
    const result = await runCli('import', file)
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/connections\s+4 created/)
    expect(result.out).toMatch(/securityDefinitions\s+1 created/)
    expect(result.out).toMatch(/channels\s+2 created/)
    expect(result.out).toMatch(/schedules\s+2 created/)
    for (const secret of Object.values(SECRETS)) expect(result.out).not.toContain(secret)
    const copy = await snapshot(join(dir, 'copy'))
    expect(copy).toEqual(await snapshot(sourceHome))
    expect(copy.connections.map((c) => c.name)).toContain('고객 관리')
    expect(copy.connections.map((c) => c.name)).toContain('Πελάτες')
    expect(copy.securityDefinitions[0]?.keyMatches).toBe(true)
  })

  it('reports everything unchanged the second time', async () => {
    useHome(join(dir, 'copy'))
    const result = await runCli('import', file)
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/connections\s+0 created, 0 updated, 4 unchanged/)
    expect(result.out).toMatch(/securityDefinitions\s+0 created, 0 updated, 1 unchanged/)
    expect(result.out).toMatch(/channels\s+0 created, 0 updated, 2 unchanged/)
    expect(result.out).toMatch(/schedules\s+0 created, 0 updated, 2 unchanged/)
  })

  it('changes nothing on --dry-run', async () => {
    const home = join(dir, 'dry')
    useHome(home)
    const result = await runCli('import', file, '--dry-run')
    expect(result.code).toBe(0)
    expect(result.out).toContain('dry run: nothing was written')
    expect(result.out).toMatch(/connections\s+4 created/)
    const after = await snapshot(home)
    expect(after.connections).toEqual([])
    expect(after.schedules).toEqual([])
  })

  it('reports each bad field with its line and column and writes nothing', async () => {
    const bad = join(dir, 'bad.yaml')
    writeFileSync(
      bad,
      [
        'version: 1',
        'connections:',
        '  - name: crm',
        '    loginUrl: not a url',
        '    authFlow: client_credentials',
        '    clientId: cid',
        '    clientSecret: ${FB_TEST_UNSET_VARIABLE}',
        'channels:',
        '  - method: GET',
        '    path: /ok',
        '    service: ping',
        '  - method: FETCH',
        '    path: /x',
        '    service: ping',
        'schedules:',
        '  - name: n',
        '    cron: 99 * * * *',
        '    service: ping',
        '',
      ].join('\n'),
    )
    delete process.env.FB_TEST_UNSET_VARIABLE
    const home = join(dir, 'bad-home')
    useHome(home)
    const result = await runCli('import', bad)
    expect(result.code).toBe(1)
    expect(result.err).toContain(`${bad}:4:15: connections[0].loginUrl: must be an http(s) URL`)
    expect(result.err).toContain(
      `${bad}:7:19: connections[0].clientSecret: environment variable FB_TEST_UNSET_VARIABLE is not set`,
    )
    expect(result.err).toContain(`${bad}:12:13: channels[1].method: must be one of`)
    expect(result.err).toContain(`${bad}:17:11: schedules[0].cron: is not a valid cron pattern`)
    expect(result.err).toContain('4 errors; nothing was imported')
    const after = await snapshot(home)
    expect(after.channels).toEqual([])
  })

  it('reports a YAML syntax error with its position', async () => {
    const broken = join(dir, 'broken.yaml')
    writeFileSync(broken, 'version: 1\nchannels:\n  - method: GET\n   path: /x\n')
    useHome(join(dir, 'broken-home'))
    const result = await runCli('import', broken)
    expect(result.code).toBe(1)
    expect(result.err).toMatch(new RegExp(`^${broken.replaceAll('.', '\\.')}:4:\\d+: `, 'm'))
  })
})
