// The seed's service on its channel, against the emulator: a Campaign created over HTTP is
// found by SOQL with Segment__c; Salesforce refusals and connection problems get clear answers.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { createLogger, createRuntime, type Runtime } from '../../src/runtime/index.js'
import { createClient, query } from '../../src/salesforce/index.js'
import { openStore, type Store } from '../../src/store/index.js'

const CONNECTION = 'My Salesforce Connection'
const creds = {
  username: 'my.user@example.com',
  password: 'my.password',
  securityToken: 'DemoSecurityToken01',
  clientId: '3MVG9forcebridge.demo.consumer.key',
  clientSecret: 'forcebridge-demo-consumer-secret',
}
const dir = mkdtempSync(join(tmpdir(), 'fb-campaign-'))
const home = join(dir, 'home')
const logLines: string[] = []
let emulator: EmulatorHandle
let store: Store
let runtime: Runtime
let base: string
let apiKey: string

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
  store = await openStore({ home })
  await store.connections.add({
    name: CONNECTION,
    loginUrl: emulator.url,
    authFlow: 'password',
    ...creds,
  })
  mkdirSync(join(home, 'services'), { recursive: true })
  writeFileSync(
    join(home, 'services', 'bad-field.ts'),
    `import { defineService, z } from 'forcebridge'
export default defineService({
  name: 'campaign.bad',
  input: z.object({}),
  handle: ({ salesforce }) => salesforce('${CONNECTION}').post('/sobjects/Campaign/', { Name: 'x', Nope__c: 1 }),
})`,
  )
  const log = createLogger({ destination: { write: (l: string) => void logLines.push(l) } })
  runtime = await createRuntime({
    store,
    log,
    serviceFolders: [
      resolve(import.meta.dirname, '../../examples/services'),
      join(home, 'services'),
    ],
  })
  const { definition, key } = await store.security.createApiKey('demo')
  apiKey = key
  await store.channels.add({
    method: 'POST',
    path: '/api/campaigns',
    service: 'campaign.create',
    securityDefinitionId: definition.id,
  })
  await store.channels.add({
    method: 'POST',
    path: '/api/bad',
    service: 'campaign.bad',
    securityDefinitionId: definition.id,
  })
  base = await runtime.listen('127.0.0.1', 0)
})

afterAll(async () => {
  await runtime?.close()
  await store?.close()
  await emulator?.close()
  rmSync(dir, { recursive: true, force: true })
})

function post(path: string, body: unknown) {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify(body),
  })
}

describe('campaign.create on POST /api/campaigns', () => {
  it('costs one login for 20 concurrent first calls', async () => {
    const before = emulator.stats().logins[creds.username] ?? 0
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post('/api/campaigns', { name: `C${i}`, segment: 'SMB' }),
      ),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200))
    expect((emulator.stats().logins[creds.username] ?? 0) - before).toBe(1)
  })

  it('creates a Campaign that a SOQL query then finds with Segment__c', async () => {
    const res = await post('/api/campaigns', { name: 'Spring Launch', segment: 'Enterprise' })
    expect(res.status).toBe(200)
    const { id } = (await res.json()) as { id: string }
    const client = createClient({ loginUrl: emulator.url, auth: { flow: 'password', ...creds } })
    try {
      const rows = []
      for await (const r of query<{ Id: string; Name: string; Segment__c: string }>(
        client,
        `SELECT Id, Name, Segment__c FROM Campaign WHERE Id = '${id}'`,
      )) {
        rows.push(r)
      }
      expect(rows).toEqual([
        expect.objectContaining({ Id: id, Name: 'Spring Launch', Segment__c: 'Enterprise' }),
      ])
    } finally {
      await client.close()
    }
  })

  it('answers bad input with 400 naming the field', async () => {
    const res = await post('/api/campaigns', { name: '', segment: 7 })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { issues: { path: string }[] }
    expect(body.issues.map((i) => i.path).sort()).toEqual(['name', 'segment'])
  })

  it("answers a Salesforce refusal with 502 and Salesforce's errorCode", async () => {
    const res = await post('/api/bad', {})
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({
      error: 'SALESFORCE_ERROR',
      errorCode: 'INVALID_FIELD',
    })
  })

  it('sees connection edits made while running: inactive → 503 at once, bad password → 502 login failed', async () => {
    await store.connections.update(CONNECTION, { active: false })
    let res = await post('/api/campaigns', { name: 'A', segment: 'B' })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ error: 'CONNECTION_INACTIVE' })

    await store.connections.update(CONNECTION, { active: true, password: 'wrong-password' })
    res = await post('/api/campaigns', { name: 'A', segment: 'B' })
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({
      error: 'SALESFORCE_LOGIN_FAILED',
      errorCode: 'invalid_grant',
    })

    await store.connections.update(CONNECTION, { password: creds.password })
    res = await post('/api/campaigns', { name: 'A', segment: 'B' })
    expect(res.status).toBe(200)
  })

  it('keeps every secret out of the SQLite file and the logs', () => {
    const bytes = readdirSync(home)
      .filter((f) => f.startsWith('forcebridge.db'))
      .map((f) => readFileSync(join(home, f)).toString('latin1'))
      .join('')
    const logs = logLines.join('')
    expect(logs).toContain('campaign created')
    for (const secret of [
      creds.password,
      creds.securityToken,
      creds.clientSecret,
      'wrong-password',
      apiKey,
    ]) {
      expect(bytes).not.toContain(secret)
      expect(logs).not.toContain(secret)
    }
  })
})
