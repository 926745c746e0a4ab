// The client against the emulator: each side is the other's check (ARCHITECTURE.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator } from '../../src/emulator/index.js'
import type { EmulatorHandle } from '../../src/emulator/index.js'
import { createClient, LoginError } from '../../src/salesforce/index.js'
import type {
  PasswordAuth,
  SalesforceClient,
  SalesforceApiError,
} from '../../src/salesforce/index.js'

const demo: PasswordAuth = {
  flow: 'password',
  username: 'my.user@example.com',
  password: 'my.password',
  securityToken: 'DemoSecurityToken01',
  clientId: '3MVG9forcebridge.demo.consumer.key',
  clientSecret: 'forcebridge-demo-consumer-secret',
}

let emu: EmulatorHandle
const clients: SalesforceClient[] = []
function make(auth: Parameters<typeof createClient>[0]['auth'] = demo): SalesforceClient {
  const c = createClient({ loginUrl: emu.url, auth, name: 'demo' })
  clients.push(c)
  return c
}

beforeAll(async () => {
  emu = await startEmulator()
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await emu.close()
})

describe('client against the emulator', () => {
  it('logs in with the password flow, checks the signature, and creates, reads and deletes a Campaign', async () => {
    const client = make()
    const token = await client.token()
    expect(token.signatureVerified).toBe(true)
    expect(token.instanceUrl).toBe(emu.url)
    const created = await client.post<{ id: string; success: boolean }>('/sobjects/Campaign/', {
      Name: 'Spring launch',
      Segment__c: 'SMB',
    })
    expect(created.success).toBe(true)
    const row = await client.get<{ Name: string; Segment__c: string }>(
      `sobjects/Campaign/${created.id}`,
      { query: { fields: 'Name,Segment__c' } },
    )
    expect(row).toMatchObject({ Name: 'Spring launch', Segment__c: 'SMB' })
    expect(client.limits?.max).toBeGreaterThan(0)
    await client.delete(`sobjects/Campaign/${created.id}`)
    const err = (await client
      .get(`sobjects/Campaign/${created.id}`)
      .catch((e: unknown) => e)) as SalesforceApiError
    expect(err.status).toBe(404)
  })

  it('costs one login for 50 concurrent calls, and one more after every session expires', async () => {
    const client = make()
    const before = emu.stats().tokenRequests
    await Promise.all(Array.from({ length: 50 }, () => client.get('limits')))
    expect(emu.stats().tokenRequests - before).toBe(1)
    emu.expireSessions()
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () => client.get('sobjects')),
    )
    expect(results.filter((r) => r.status === 'rejected')).toEqual([])
    expect(emu.stats().tokenRequests - before).toBe(2)
  })

  it('exposes the data helpers on the client: sobject rows and query', async () => {
    const client = make()
    const campaigns = client.sobject<{ Name: string; Segment__c?: string }>('Campaign')
    const { id } = await campaigns.create({ Name: 'Via helper', Segment__c: 'ENT' })
    expect((await campaigns.get(id)).Name).toBe('Via helper')
    const names: string[] = []
    for await (const row of client.query<{ Name: string }>(
      "SELECT Name FROM Campaign WHERE Segment__c = 'ENT'",
    )) {
      names.push(row.Name)
    }
    expect(names).toContain('Via helper')
    expect(client.data).toBe(client.data)
  })

  it('names the cause of a wrong password', async () => {
    const client = make({ ...demo, password: 'wrong' })
    const err = (await client.token().catch((e: unknown) => e)) as LoginError
    expect(err).toBeInstanceOf(LoginError)
    expect(err.error).toBe('invalid_grant')
    expect(err.message).toContain('security token')
  })

  it('logs in with client credentials and with a refresh token, and writes with each', async () => {
    const grants = () => emu.stats().grants
    const before = grants()
    const cc = make({
      flow: 'client_credentials',
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
    })
    // A real write with the token, read back from the org; the emulator saw that flow's grant.
    const viaCc = await cc.post<{ id: string }>('/sobjects/Account/', {
      Name: 'Via client credentials',
    })
    expect(emu.org.getRow('Account', viaCc.id)?.Name).toBe('Via client credentials')
    expect(grants().client_credentials).toBe((before.client_credentials ?? 0) + 1)
    expect(grants().refresh_token).toBe(before.refresh_token)

    const refreshToken = emu.issueRefreshToken(demo.username, demo.clientId)
    const rt = make({
      flow: 'refresh_token',
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
      refreshToken,
    })
    const viaRt = await rt.post<{ id: string }>('/sobjects/Account/', { Name: 'Via refresh token' })
    expect(emu.org.getRow('Account', viaRt.id)?.Name).toBe('Via refresh token')
    expect(grants().refresh_token).toBe((before.refresh_token ?? 0) + 1)
    // Neither fell back to the password flow.
    expect(grants().password).toBe(before.password)
  })

  it('reports a malformed query with its Salesforce code', async () => {
    const client = make()
    const err = (await client
      .get('query', { query: { q: 'SELEC Id FROM Account' } })
      .catch((e: unknown) => e)) as SalesforceApiError
    expect(err.code).toBe('MALFORMED_QUERY')
    expect(err.status).toBe(400)
  })
})
