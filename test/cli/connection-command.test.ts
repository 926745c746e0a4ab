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
  // FORCEBRIDGE_LOG_LEVEL stays unset: commands show log lines only when asked.
  delete process.env.FORCEBRIDGE_LOG_LEVEL
  Object.assign(process.env, secrets, {
    SF_WRONG: 'not-the-password',
    FORCEBRIDGE_HOME: join(dir, 'home'),
  })
})

afterAll(async () => {
  await emulator?.close()
  rmSync(dir, { recursive: true, force: true })
})

const add = (name: string, passwordEnv = 'SF_PASSWORD', ...more: string[]) =>
  runCli(
    'connection',
    'add',
    name,
    ...more,
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

  it('adds nothing when Salesforce refuses the login, and says what it said and what to check', async () => {
    const refused = await add('Wrong', 'SF_WRONG')
    expect(refused.code).toBe(1)
    expect(refused.err.trim().split('\n')).toHaveLength(1)
    expect(refused.err).toMatch(
      /^forcebridge: connection 'Wrong' was not added: login: invalid_grant: authentication failure; check the username, the password and the security token/,
    )
    expect(refused.err).toMatch(/nothing was stored \(to store it unchecked, add --no-check\)/)
    expect((await runCli('connection', 'show', 'Wrong')).err).toMatch(/does not exist/)
  })

  it('stores an unchecked connection with --no-check; ping then says what to check', async () => {
    const unchecked = await add('Wrong', 'SF_WRONG', '--no-check')
    expect(unchecked.code).toBe(0)
    expect(unchecked.out).toContain(
      "added without a check; check it with: forcebridge connection ping 'Wrong'",
    )
    const ping = await runCli('connection', 'ping', 'Wrong')
    expect(ping.code).toBe(1)
    expect(ping.out).toMatch(
      /✗ login: invalid_grant: authentication failure; check the username, the password and the security token/,
    )
    expect(ping.out).toMatch(/IP restrictions/)
    expect(ping.out).toMatch(/username-password flow/)
  })

  it('keeps the stored version when an edit is refused by Salesforce', async () => {
    const edit = await runCli('connection', 'edit', 'CRM', '--password-env', 'SF_WRONG')
    expect(edit.code).toBe(1)
    expect(edit.err).toMatch(
      /^forcebridge: connection 'CRM' was not changed: login: invalid_grant: .*; the stored version stays as it was/,
    )
    expect((await runCli('connection', 'ping', 'CRM')).code).toBe(0)
    // Switching it off needs no login, so a broken org cannot keep a connection on.
    expect((await runCli('connection', 'edit', 'CRM', '--inactive')).code).toBe(0)
    const on = await runCli('connection', 'edit', 'CRM', '--active')
    expect(on.code).toBe(0)
    expect(on.out).toMatch(/✓ login/)
  })

  it('refuses an API version the org does not offer, or flags it when stored unchecked', async () => {
    const refused = await runCli('connection', 'edit', 'CRM', '--api-version', '99.0')
    expect(refused.code).toBe(1)
    expect(refused.err).toMatch(/API version 99\.0 is not offered by .* give --api-version \d+\.0/)
    expect((await runCli('connection', 'show', 'CRM')).out).toMatch(/API version:\s+66\.0/)
    const stored = await runCli('connection', 'edit', 'CRM', '--api-version', '99.0', '--no-check')
    expect(stored.code).toBe(0)
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
    // Masked unless asked for: the org prefix and four characters, which no call accepts.
    expect(body.access_token).toMatch(/^(00D\w+!)?\.\.\..{4}$/)
    const masked = await fetch(`${emulator.url}/services/data/v66.0/limits`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    })
    expect(masked.status).toBe(401)
    await masked.body?.cancel()
    const revealed = await runCli('connection', 'token', 'CRM', '--reveal')
    const live = (JSON.parse(revealed.out) as Record<string, string>).access_token!
    expect(live.length).toBeGreaterThan(20)
    const used = await fetch(`${emulator.url}/services/data/v66.0/limits`, {
      headers: { authorization: `Bearer ${live}` },
    })
    expect(used.status).toBe(200)
    await used.body?.cancel()
  })

  it('removes a connection, and names a missing one', async () => {
    expect((await runCli('connection', 'remove', 'Wrong')).code).toBe(0)
    const again = await runCli('connection', 'show', 'Wrong')
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/connection 'Wrong' does not exist/)
  })
})

/** `connection add` for the client credentials flow, with the demo app's consumer secret. */
const addClientCredentials = (name: string, loginUrl: string, ...more: string[]) =>
  runCli(
    'connection',
    'add',
    name,
    '--flow',
    'client_credentials',
    '--login-url',
    loginUrl,
    '--client-id',
    '3MVG9forcebridge.demo.consumer.key',
    '--client-secret-env',
    'SF_SECRET',
    '--no-prompt',
    ...more,
  )

const names = async () =>
  (JSON.parse((await runCli('connection', 'list', '--json')).out) as { name: string }[]).map(
    (c) => c.name,
  )

describe('forcebridge connection add: the login host for the flow', () => {
  it('refuses client credentials on the generic login hosts, before asking for anything', async () => {
    const before = await names()
    for (const host of ['https://login.salesforce.com', 'https://test.salesforce.com']) {
      const r = await addClientCredentials('CC', host)
      expect(r.code).toBe(1)
      expect(r.err.trim()).toBe(
        `forcebridge: connection 'CC': the client_credentials flow needs the org's My Domain login URL, and ${new URL(host).hostname} is not one (its token endpoint refuses the flow); give --login-url https://<name>.my.salesforce.com (a sandbox: https://<name>--<sandbox>.sandbox.my.salesforce.com), as shown in Setup → My Domain`,
      )
    }
    // Checked before the secrets: no secret given, still the host is what is refused.
    const bare = await runCli('connection', 'add', 'CC', '--flow', 'client_credentials')
    expect(bare.err).toMatch(/needs the org's My Domain login URL/)
    const lightning = await addClientCredentials('CC', 'https://acme.lightning.force.com')
    expect(lightning.err).toContain('give --login-url https://acme.my.salesforce.com')
    expect(await names()).toEqual(before)
  })

  it('refuses http:// on a host other than this machine, for any flow', async () => {
    const before = await names()
    const r = await runCli(
      'connection',
      'add',
      'Plain',
      '--login-url',
      'http://sf.example.com',
      '--username',
      'my.user@example.com',
      '--client-id',
      '3MVG9forcebridge.demo.consumer.key',
      '--password-env',
      'SF_PASSWORD',
      '--client-secret-env',
      'SF_SECRET',
      '--no-check',
    )
    expect(r.code).toBe(1)
    expect(r.err.trim()).toBe(
      "forcebridge: connection 'Plain': http://sf.example.com would send the credentials unencrypted; use https:// (http is accepted only on this machine: 127.0.0.1, ::1, localhost, e.g. for the emulator)",
    )
    const edit = await runCli('connection', 'edit', 'CRM', '--login-url', 'http://sf.example.com')
    expect(edit.code).toBe(1)
    expect(edit.err).toContain("connection 'CRM': http://sf.example.com would send")
    expect(await names()).toEqual(before)
    expect((await runCli('connection', 'show', 'CRM')).out).toContain(emulator.url)
  })

  it('stores a My Domain host unchecked with --no-check, and pings and stores a good one', async () => {
    const myDomain = await addClientCredentials(
      'CC My Domain',
      'https://acme--dev.sandbox.my.salesforce.com',
      '--no-check',
    )
    expect(myDomain.code).toBe(0)
    // The emulator on 127.0.0.1 stands for a My Domain host here: loopback passes the rule.
    const good = await addClientCredentials('CC', emulator.url)
    expect(good.code).toBe(0)
    expect(good.out).toMatch(/Checking connection 'CC' \(client_credentials flow/)
    expect(good.out).toMatch(/✓ login: got a token/)
    expect(good.out).toMatch(/✓ authenticated call \/limits answered/)
    expect(good.out).toMatch(/✓ connection 'CC' added$/m)
    expect(await names()).toEqual(expect.arrayContaining(['CC', 'CC My Domain']))
  })
})

/** The top-level keys of one JSON object line, in order, repeats included (JSON.parse hides them). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = []
  let depth = 0
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (ch === '{' || ch === '[') depth++
    else if (ch === '}' || ch === ']') depth--
    else if (ch === '"') {
      let j = i + 1
      while (line[j] !== '"') j += line[j] === '\\' ? 2 : 1
      if (depth === 1 && line[j + 1] === ':') keys.push(line.slice(i + 1, j))
      i = j
    }
  }
  return keys
}

describe('log lines of one-shot commands', () => {
  it('prints none unless --verbose or FORCEBRIDGE_LOG_LEVEL asks, and never repeats a key', async () => {
    // A failed login is logged as a warning by the client.
    expect((await add('Quiet', 'SF_WRONG', '--no-check')).err).toBe('')
    const quiet = await runCli('connection', 'ping', 'Quiet')
    expect(quiet.code).toBe(1)
    expect(quiet.out).toMatch(/✗ login/)
    expect(quiet.err).toBe('')
    for (const args of [
      ['--verbose', 'connection', 'ping', 'Quiet'],
      ['connection', 'ping', 'Quiet', '--verbose'],
    ]) {
      const loud = await runCli(...args)
      const lines = loud.err.trim().split('\n')
      expect(lines.length).toBeGreaterThan(0)
      for (const line of lines) {
        const entry = JSON.parse(line) as { msg: string }
        expect(entry.msg).toBeTruthy()
        const keys = topLevelKeys(line)
        expect(keys, line).toEqual([...new Set(keys)])
      }
      expect(loud.err).toMatch(/"msg":"salesforce login failed"/)
    }
    process.env.FORCEBRIDGE_LOG_LEVEL = 'warn'
    try {
      expect((await runCli('connection', 'ping', 'Quiet')).err).toMatch(/salesforce login failed/)
    } finally {
      delete process.env.FORCEBRIDGE_LOG_LEVEL
    }
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
