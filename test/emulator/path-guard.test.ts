// The bypasses a fuzz run found, each closed: encoded and doubled paths to the data API and
// the admin API, limits and faults on such paths, and which bound addresses count as loopback.

import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { isLoopback } from '../../src/emulator/server/is-loopback.js'
import { passwordLogin } from './login-helper.js'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One request with the path sent exactly as written (fetch would resolve dot segments). */
function raw(
  emu: EmulatorHandle,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const host = new URL(emu.url).hostname
    const req = request({ host, port: emu.port, method, path, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
      )
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('data API paths', () => {
  let emu: EmulatorHandle
  let bearer: Record<string, string>
  beforeAll(async () => {
    emu = await startEmulator()
    bearer = { authorization: `Bearer ${(await passwordLogin(emu.url)).access_token}` }
  })
  afterAll(() => emu.close())

  const q = '?q=SELECT+Id,Name+FROM+Account'
  const spellings = [
    `/services/data//v66.0/query${q}`,
    `/services/%64ata/v66.0/query${q}`,
    `/%73ervices/data/v66.0/limits`,
    `//services/data/v66.0/limits`,
    `/services/data/v66.0/./query${q}`,
    `/services/data/v66.0/x/../limits`,
    `/services/data/v66%2E0/sobjects`,
  ]

  it.each(spellings)('answers %s with 401 and no data without a session', async (path) => {
    const res = await raw(emu, 'GET', path)
    expect(res.status).toBe(401)
    expect(JSON.parse(res.body)).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ])
  })

  it('refuses writes through such paths with 401, not 500', async () => {
    const body = JSON.stringify({ Name: 'Nobody' })
    const json = { 'content-type': 'application/json' }
    for (const path of [
      '/services/%64ata/v66.0/sobjects/Account',
      '/services/data//v66.0/sobjects/Account',
      '//services/data/v66.0/composite/sobjects',
    ]) {
      expect((await raw(emu, 'POST', path, json, body)).status).toBe(401)
    }
    expect([...emu.org.rows('Account')].some((r) => r.Name === 'Nobody')).toBe(false)
  })

  it('serves the paths of a client that keeps the trailing slash of the instance URL', async () => {
    const created = await raw(
      emu,
      'POST',
      '//services/data/v66.0/sobjects/Account',
      { ...bearer, 'content-type': 'application/json' },
      JSON.stringify({ Name: 'Slash Co' }),
    )
    expect(created.status).toBe(201)
    const { id } = JSON.parse(created.body) as { id: string }
    const read = await raw(emu, 'GET', `//services/data/v66.0/sobjects/Account/${id}`, bearer)
    expect(JSON.parse(read.body)).toMatchObject({ Id: id, Name: 'Slash Co' })
  })

  it('counts encoded and doubled paths against the limits like the plain one', async () => {
    emu.limits.reset()
    const first = await raw(emu, 'GET', '/%73ervices/data/v66.0/limits', bearer)
    expect(first.headers['sforce-limit-info']).toBe(`api-usage=1/${emu.limits.max()}`)
    await raw(emu, 'GET', '//services//data/v66.0/sobjects', bearer)
    expect(emu.limits.used()).toBe(2)
  })

  it('injects faults on encoded paths too', async () => {
    emu.faults.set({ errorRates: { serverUnavailable: 1 } })
    try {
      const res = await raw(emu, 'GET', `/services/%64ata/v66.0/query${q}`, bearer)
      expect(res.status).toBe(503)
    } finally {
      emu.faults.clear()
    }
  })

  it('answers a path it cannot read with 404 NOT_FOUND, saying why', async () => {
    const res = await raw(emu, 'GET', '/services/data/v66.0/sobjects%2FAccount', bearer)
    expect(res.status).toBe(404)
    const [error] = JSON.parse(res.body) as { errorCode: string; message: string }[]
    expect(error).toEqual({
      errorCode: 'NOT_FOUND',
      message: expect.stringContaining('encoded "/" (%2F)') as string,
    })
  })

  it('keeps letter case: /Services/data is another path', async () => {
    expect((await raw(emu, 'GET', '/Services/data/v66.0/limits', bearer)).status).toBe(404)
  })
})

describe('admin API token', () => {
  let emu: EmulatorHandle
  beforeAll(async () => {
    emu = await startEmulator({ requireAdminToken: true })
  })
  afterAll(() => emu.close())

  const spellings = [
    '/__emulator/faults',
    '/%5F%5Femulator/faults',
    '/%5f%5femulator/faults',
    '/__%65mulator/faults',
    '//__emulator/faults',
    '/__emulator//faults',
    '/__emulator/./faults',
    '/x/../__emulator/faults',
    '/__emulator/faults/',
  ]

  it('says the token is required', () => {
    expect(emu.adminTokenRequired).toBe(true)
  })

  it.each(spellings)('refuses %s without the token, and serves it with', async (path) => {
    const denied = await raw(emu, 'POST', path, {}, JSON.stringify({ latencyMs: 5000 }))
    expect(denied.status).toBe(403)
    expect(JSON.parse(denied.body)).toEqual([
      {
        errorCode: 'FORBIDDEN',
        message: expect.stringContaining('X-Emulator-Admin-Token') as string,
      },
    ])
    expect(emu.faults.current()).toEqual({})
    const allowed = await raw(emu, 'GET', path, { 'x-emulator-admin-token': emu.adminToken })
    expect(allowed.status).toBe(200)
  })

  it('does not reveal which admin paths exist without the token', async () => {
    expect((await raw(emu, 'GET', '/__emulator/nothing')).status).toBe(403)
    const token = { 'x-emulator-admin-token': emu.adminToken }
    expect((await raw(emu, 'GET', '/__emulator/nothing', token)).status).toBe(404)
  })

  it('refuses a wrong token of the right length', async () => {
    const wrong = 'x'.repeat(emu.adminToken.length)
    const res = await raw(emu, 'GET', '/__emulator/stats', { 'x-emulator-admin-token': wrong })
    expect(res.status).toBe(403)
  })
})

describe('loopback', () => {
  it.each([
    '127.0.0.1',
    '127.255.3.4',
    '::1',
    '0:0:0:0:0:0:0:1',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:127.9.8.7',
    '::ffff:7f00:1',
  ])('treats %s as loopback', (address) => {
    expect(isLoopback(address)).toBe(true)
  })

  it.each(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '::ffff:10.0.0.1', '::2', 'localhost'])(
    'does not treat %s as loopback',
    (address) => {
      expect(isLoopback(address)).toBe(false)
    },
  )

  it.each(['127.1', '127.0.0.2'])(
    'opens the admin API without a token when bound to %s',
    async (host) => {
      const emu = await startEmulator({ host })
      try {
        expect(emu.adminTokenRequired).toBe(false)
        expect((await raw(emu, 'GET', '/__emulator/stats')).status).toBe(200)
      } finally {
        await emu.close()
      }
    },
  )
})
