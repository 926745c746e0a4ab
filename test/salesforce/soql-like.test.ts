// soql.like: a user's text in a LIKE pattern matches only itself, checked through the real client
// against the emulator (whose LIKE reads \% \_ and \\ as Salesforce does), and the SOQL it writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { createClient, soql, type SalesforceClient } from '../../src/salesforce/index.js'

let emu: EmulatorHandle
let client: SalesforceClient
const NAMES = [
  '50% off',
  '50 off',
  '50x off',
  'a_b',
  'axb',
  'back\\slash',
  'backslash',
  'x\\%y',
  'x\\zy',
]

beforeAll(async () => {
  emu = await startEmulator()
  client = createClient({
    loginUrl: emu.url,
    name: 'demo',
    auth: {
      flow: 'password',
      username: 'my.user@example.com',
      password: 'my.password',
      securityToken: 'DemoSecurityToken01',
      clientId: '3MVG9forcebridge.demo.consumer.key',
      clientSecret: 'forcebridge-demo-consumer-secret',
    },
  })
  for (const Name of NAMES) await client.post('/sobjects/Account/', { Name })
})
afterAll(async () => {
  await client.close()
  await emu.close()
})

async function names(q: string): Promise<string[]> {
  const res = await client.get<{ records: { Name: string }[] }>(`/query?q=${encodeURIComponent(q)}`)
  return res.records.map((r) => r.Name).sort()
}

describe('soql.like', () => {
  it('escapes % _ and backslash, then adds the wildcards asked for', () => {
    expect(soql`Name LIKE ${soql.like('50% off_\\')}`).toBe(`Name LIKE '50\\% off\\_\\\\'`)
    expect(soql`${soql.like("O'B", 'contains')}`).toBe(`'%O\\'B%'`)
    expect(soql`${soql.like('a', 'startsWith')} ${soql.like('a', 'endsWith')}`).toBe(`'a%' '%a'`)
    expect(() => soql.like('a', 'anywhere' as 'exact')).toThrow(/must be exact, startsWith/)
  })

  it("matches a user's % and _ only literally in the org", async () => {
    const like = (text: string, match?: 'contains') =>
      names(soql`SELECT Name FROM Account WHERE Name LIKE ${soql.like(text, match)}`)
    expect(await like('50% off')).toEqual(['50% off'])
    expect(await like('%', 'contains')).toEqual(['50% off', 'x\\%y'])
    expect(await like('a_b')).toEqual(['a_b'])
    expect(await like('back\\slash')).toEqual(['back\\slash'])
    expect(await like('x\\%y')).toEqual(['x\\%y'])
    // Without the helper the same text is a wildcard: what the helper is for.
    expect(await names(soql`SELECT Name FROM Account WHERE Name LIKE ${'50% off'}`)).toEqual([
      '50 off',
      '50% off',
      '50x off',
    ])
    expect(
      (await names(soql`SELECT Name FROM Account WHERE Name LIKE ${'%'}`)).length,
    ).toBeGreaterThanOrEqual(NAMES.length)
  })
})
