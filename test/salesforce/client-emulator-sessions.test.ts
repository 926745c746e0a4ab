// The client against the emulator where sessions end under it: in the middle of a paged query,
// and with the JWT bearer flow, whose tokens come without a refresh token.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { DEMO_CREDENTIALS } from '../../src/cli/demo-setup.js'
import { createClient, type SalesforceClient } from '../../src/salesforce/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-client-sessions-'))
let emu: EmulatorHandle
const clients: SalesforceClient[] = []

beforeAll(async () => {
  // A key pair and self-signed certificate, as an admin uploads to a connected app for JWT.
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=forcebridge-test',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ])
  emu = await startEmulator({
    org: {
      users: [
        {
          username: DEMO_CREDENTIALS.username,
          password: DEMO_CREDENTIALS.password,
          securityToken: DEMO_CREDENTIALS.securityToken,
        },
      ],
      connectedApps: [
        {
          name: 'integration',
          consumerKey: DEMO_CREDENTIALS.clientId,
          consumerSecret: DEMO_CREDENTIALS.clientSecret,
          flows: ['password', 'jwt_bearer'],
          certificate: readFileSync(join(dir, 'cert.pem'), 'utf8'),
        },
      ],
    },
  })
})

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await emu?.close()
  rmSync(dir, { recursive: true, force: true })
})

function track(client: SalesforceClient): SalesforceClient {
  clients.push(client)
  return client
}

describe('sessions that end under the client', () => {
  it('finishes a paged query when every session expires between two pages', async () => {
    const client = track(
      createClient({ loginUrl: emu.url, auth: { flow: 'password', ...DEMO_CREDENTIALS } }),
    )
    const accounts = Array.from({ length: 450 }, (_, i) => ({
      attributes: { type: 'Account' },
      Name: `Paged ${String(i).padStart(3, '0')}`,
    }))
    const created = await client.data.collections.create('Account', accounts)
    expect(created.every((r) => r.success)).toBe(true)

    const before = emu.stats().tokenRequests
    const names: string[] = []
    let pagesSeen = 0
    for await (const row of client.query<{ Name: string }>(
      "SELECT Name FROM Account WHERE Name LIKE 'Paged %' ORDER BY Name",
      { batchSize: 200 },
    )) {
      names.push(row.Name)
      // After the first page, the org forgets every session: the next page's locator call gets
      // 401 INVALID_SESSION_ID, and the client must log in once and carry on.
      if (names.length === 200 && pagesSeen++ === 0) emu.expireSessions()
    }
    expect(names).toHaveLength(450)
    expect(new Set(names).size).toBe(450)
    expect(names[0]).toBe('Paged 000')
    expect(names[449]).toBe('Paged 449')
    expect(emu.stats().tokenRequests - before).toBe(1)
  })

  it('logs in with a JWT bearer assertion signed by the uploaded certificate key', async () => {
    const client = track(
      createClient({
        loginUrl: emu.url,
        auth: {
          flow: 'jwt_bearer',
          clientId: DEMO_CREDENTIALS.clientId,
          username: DEMO_CREDENTIALS.username,
          privateKey: readFileSync(join(dir, 'key.pem'), 'utf8'),
        },
      }),
    )
    const token = await client.token()
    expect(token.instanceUrl).toBe(emu.url)
    expect(token.refreshToken).toBeUndefined()
    const { id } = await client.sobject('Account').create({ Name: 'Via JWT' })
    expect(emu.org.getRow('Account', id)?.Name).toBe('Via JWT')

    // A session that expires costs one new assertion, not a failure.
    const before = emu.stats().tokenRequests
    emu.expireSessions()
    await expect(client.get('limits')).resolves.toBeDefined()
    expect(emu.stats().tokenRequests - before).toBe(1)
  })

  it('names the certificate when the key does not match it', async () => {
    const { stdout: otherKey } = await promisify(execFile)('openssl', [
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
    ])
    const client = track(
      createClient({
        loginUrl: emu.url,
        auth: {
          flow: 'jwt_bearer',
          clientId: DEMO_CREDENTIALS.clientId,
          username: DEMO_CREDENTIALS.username,
          privateKey: otherKey,
        },
      }),
    )
    const err = (await client.token().catch((e: unknown) => e)) as { code: string; message: string }
    expect(err.code).toBe('LOGIN_FAILED')
    expect(err.message).toMatch(/certificate/i)
  })
})
