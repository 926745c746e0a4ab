// The connection and query commands, run in process through main(argv) against the emulator,
// reading what the operator would see on stdout and stderr.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { createClient } from '../../src/salesforce/index.js'
import { runCli } from './fixtures/run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-cli-'))
const secrets = {
  SF_PASSWORD: 'my.password',
  SF_TOKEN: 'DemoSecurityToken01',
  SF_SECRET: 'forcebridge-demo-consumer-secret',
}
let emulator: EmulatorHandle

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
  Object.assign(process.env, secrets, {
    FORCEBRIDGE_HOME: join(dir, 'home'),
    FORCEBRIDGE_LOG_LEVEL: 'warn',
  })
})

afterAll(async () => {
  await emulator?.close()
  rmSync(dir, { recursive: true, force: true })
})

const add = (name: string, passwordEnv = 'SF_PASSWORD') =>
  runCli(
    'connection',
    'add',
    name,
    '--login-url',
    emulator.url,
    '--username',
    'my.user@example.com',
    '--client-id',
    '3MVG9forcebridge.demo.consumer.key',
    '--password-env',
    passwordEnv,
    '--security-token-env',
    'SF_TOKEN',
    '--client-secret-env',
    'SF_SECRET',
    '--no-prompt',
  )

describe('forcebridge connection', () => {
  it('adds a connection from environment variables and never prints its secrets', async () => {
    expect((await add('CRM')).code).toBe(0)
    const list = await runCli('connection', 'list')
    const show = await runCli('connection', 'show', 'CRM')
    const json = await runCli('connection', 'show', 'CRM', '--json')
    expect(list.out).toMatch(/CRM\s+yes\s+password\s+my\.user@example\.com/)
    expect(show.out).toMatch(/Password:\s+set/)
    expect(show.out).toMatch(/Private key:\s+not set/)
    for (const output of [list.out, show.out, json.out]) {
      for (const s of Object.values(secrets)) expect(output).not.toContain(s)
    }
  })

  it('refuses a secret given as a plain argument, and a missing variable, with one line', async () => {
    const plain = await runCli('connection', 'add', 'X', '--password', 'my.password')
    expect(plain.code).not.toBe(0)
    const missing = await add('Y', 'NO_SUCH_VARIABLE')
    expect(missing.code).toBe(1)
    expect(missing.err.trim()).toBe(
      'forcebridge: --password-env NO_SUCH_VARIABLE: the environment variable NO_SUCH_VARIABLE is not set or empty',
    )
  })

  it('pings: login, API version, one authenticated call', async () => {
    const ping = await runCli('connection', 'ping', 'CRM')
    expect(ping.code).toBe(0)
    expect(ping.out).toMatch(/✓ login/)
    expect(ping.out).toMatch(/✓ API version 66\.0 is available/)
    expect(ping.out).toMatch(/✓ authenticated call \/limits/)
  })

  it('says what to check when the login fails', async () => {
    process.env.SF_WRONG = 'not-the-password'
    await add('Wrong', 'SF_WRONG')
    const ping = await runCli('connection', 'ping', 'Wrong')
    expect(ping.code).toBe(1)
    expect(ping.out).toMatch(
      /✗ login: invalid_grant: authentication failure; check the username, the password and the security token/,
    )
    expect(ping.out).toMatch(/IP restrictions/)
    expect(ping.out).toMatch(/username-password flow/)
  })

  it('flags an API version the org does not offer', async () => {
    expect((await runCli('connection', 'edit', 'CRM', '--api-version', '99.0')).code).toBe(0)
    const ping = await runCli('connection', 'ping', 'CRM')
    expect(ping.code).toBe(1)
    expect(ping.out).toMatch(/✗ API version 99\.0 is not offered/)
    await runCli('connection', 'edit', 'CRM', '--api-version', '66.0')
  })

  it("prints the token response in Salesforce's shape, with the signature checked", async () => {
    const token = await runCli('connection', 'token', 'CRM')
    expect(token.code).toBe(0)
    const body = JSON.parse(token.out) as Record<string, string>
    expect(Object.keys(body)).toEqual(
      expect.arrayContaining([
        'access_token',
        'instance_url',
        'id',
        'token_type',
        'issued_at',
        'signature',
      ]),
    )
    expect(body.instance_url).toBe(emulator.url)
    expect(token.err).toMatch(/✓ signature verified/)
  })

  it('removes a connection, and names a missing one', async () => {
    expect((await runCli('connection', 'remove', 'Wrong')).code).toBe(0)
    const again = await runCli('connection', 'show', 'Wrong')
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/connection 'Wrong' does not exist/)
  })
})

describe('forcebridge query', () => {
  it('prints every page as a table, or as JSON', async () => {
    const names = Array.from({ length: 5 }, (_, i) => `Query ${i}`)
    const client = createClient({
      loginUrl: emulator.url,
      auth: {
        flow: 'password',
        username: 'my.user@example.com',
        password: secrets.SF_PASSWORD,
        securityToken: secrets.SF_TOKEN,
        clientId: '3MVG9forcebridge.demo.consumer.key',
        clientSecret: secrets.SF_SECRET,
      },
    })
    for (const n of names) await client.post('/sobjects/Campaign/', { Name: n, Segment__c: 'SMB' })
    await client.close()
    const table = await runCli(
      'query',
      "SELECT Id, Name, Segment__c FROM Campaign WHERE Segment__c = 'SMB'",
      '--connection',
      'CRM',
    )
    expect(table.code).toBe(0)
    for (const n of names) expect(table.out).toMatch(new RegExp(`${n}\\s+SMB`))
    expect(table.out).toMatch(/5 records/)
    const json = await runCli('query', 'SELECT Name FROM Campaign', '-c', 'CRM', '--json')
    expect((JSON.parse(json.out) as { Name: string }[]).map((r) => r.Name).sort()).toEqual(names)
  })

  it('reports a bad query in one line', async () => {
    const bad = await runCli('query', 'SELECT Nope__c FROM Campaign', '-c', 'CRM')
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/^forcebridge: .*INVALID_FIELD|^forcebridge: .*Nope__c/)
  })
})

describe('forcebridge dev', () => {
  it('names the setting to change when the emulator port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok))
    const port = (blocker.address() as AddressInfo).port
    process.env.FORCEBRIDGE_EMULATOR_PORT = String(port)
    try {
      const dev = await runCli('dev')
      expect(dev.code).toBe(1)
      expect(dev.err.trim()).toBe(
        `forcebridge: port ${port} is already in use, so the emulator cannot listen; stop what uses it or set FORCEBRIDGE_EMULATOR_PORT to another port`,
      )
    } finally {
      delete process.env.FORCEBRIDGE_EMULATOR_PORT
      await new Promise((ok) => blocker.close(ok))
    }
  })
})

describe('forcebridge connection add without a terminal', () => {
  it('names each missing secret and the flags that give it', async () => {
    const res = await runCli(
      'connection',
      'add',
      'NoSecrets',
      '--username',
      'u@example.com',
      '--client-id',
      'k',
    )
    expect(res.code).toBe(1)
    expect(res.err).toMatch(
      /^forcebridge: invalid connection: password is required for the password flow; clientSecret is required/,
    )
    expect(res.err).toMatch(/give secrets with --password-env/)
  })
})

describe('forcebridge invoke', () => {
  const examples = join(import.meta.dirname, '../../examples/services')

  it('runs the campaign service and prints its result', async () => {
    await add('My Salesforce Connection')
    const res = await runCli(
      'invoke',
      'campaign.create',
      '--input',
      '{"name": "From CLI", "segment": "Mid"}',
      '--services',
      examples,
    )
    expect(res.code).toBe(0)
    const { id } = JSON.parse(res.out) as { id: string }
    const rows = await runCli(
      'query',
      `SELECT Name, Segment__c FROM Campaign WHERE Id = '${id}'`,
      '-c',
      'My Salesforce Connection',
      '--json',
    )
    expect(JSON.parse(rows.out)).toEqual([
      expect.objectContaining({ Name: 'From CLI', Segment__c: 'Mid' }),
    ])
  })

  it('reports bad input and unknown services in one line', async () => {
    const bad = await runCli(
      'invoke',
      'campaign.create',
      '--input',
      '{"name": ""}',
      '--services',
      examples,
    )
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(
      /^forcebridge: input of 'campaign.create' is invalid: name .*; segment /,
    )
    const unknown = await runCli('invoke', 'nope', '--services', examples)
    expect(unknown.err).toMatch(/^forcebridge: service 'nope' is not in /)
  })
})
