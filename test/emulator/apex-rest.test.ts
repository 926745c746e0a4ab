// Apex REST of your own: the org file names TypeScript handler modules for paths under
// `/services/apexrest/`; plain HTTP and the client's apex helper reach them with a session.

import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { createClient, type SalesforceClient } from '../../src/salesforce/index.js'

const ORG = resolve(import.meta.dirname, 'fixtures/apexrest/org.yaml')
let emu: EmulatorHandle
let client: SalesforceClient
let token: string

beforeAll(async () => {
  emu = await startEmulator({ org: ORG })
  client = createClient({
    loginUrl: emu.url,
    auth: {
      flow: 'password',
      username: 'apex.user@example.com',
      password: 'apex.password',
      clientId: 'apex.key',
      clientSecret: 'apex.secret',
    },
  })
  const res = await fetch(`${emu.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'apex.key',
      client_secret: 'apex.secret',
      username: 'apex.user@example.com',
      password: 'apex.password',
    }),
  })
  token = ((await res.json()) as { access_token: string }).access_token
})
afterAll(async () => {
  await client?.close()
  await emu?.close()
})

const call = async (method: string, path: string, body?: string, session = true) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (session) headers.authorization = `Bearer ${token}`
  const res = await fetch(`${emu.url}/services/apexrest${path}`, { method, headers, body })
  const text = await res.text()
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) }
}

describe('Apex REST handlers from the org file', () => {
  it('answers a GET with path params, query and the calling user', async () => {
    expect(await call('GET', '/Orders/v1/42?expand=lines')).toEqual({
      status: 200,
      body: { id: '42', expand: 'lines', user: 'apex.user@example.com' },
    })
    expect(await call('GET', '/Orders/v1/missing')).toEqual({
      status: 404,
      body: [{ errorCode: 'NOT_FOUND', message: 'no such order' }],
    })
  })

  it('passes a JSON body to a named export', async () => {
    expect(await call('POST', '/Orders/v1', JSON.stringify({ items: ['a', 'b'] }))).toEqual({
      status: 201,
      body: { created: true, count: 2, path: '/Orders/v1' },
    })
    expect((await call('POST', '/Orders/v1', '{bad')).body).toEqual([
      expect.objectContaining({ errorCode: 'JSON_PARSER_ERROR' }),
    ])
  })

  it("turns a handler's exception into Apex's 500 APEX_ERROR", async () => {
    expect(await call('GET', '/Boom/any/depth')).toEqual({
      status: 500,
      body: [
        { errorCode: 'APEX_ERROR', message: 'TypeError: Attempt to de-reference a null object' },
      ],
    })
  })

  it('answers unknown paths and methods as Salesforce does, and needs a session', async () => {
    expect(await call('GET', '/Nothing/here')).toEqual({
      status: 404,
      body: [{ errorCode: 'NOT_FOUND', message: 'Could not find a match for URL /Nothing/here' }],
    })
    expect((await call('DELETE', '/Orders/v1/42')).status).toBe(405)
    expect(await call('GET', '/Orders/v1/42', undefined, false)).toEqual({
      status: 401,
      body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }],
    })
  })

  it("is reached through the client's apex helper", async () => {
    expect(await client.data.apex.get('/Orders/v1/7')).toEqual({
      id: '7',
      expand: null,
      user: 'apex.user@example.com',
    })
    expect(await client.data.apex.post('Orders/v1', { items: ['x'] })).toMatchObject({ count: 1 })
    await expect(client.data.apex.get('/Boom/x')).rejects.toMatchObject({ status: 500 })
  })

  it('refuses to start when a handler module is missing', async () => {
    await expect(
      startEmulator({
        org: { apexRest: [{ method: 'GET', path: '/X', handler: './no-such-handler.ts' }] },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ORG_FILE' })
  })
})
