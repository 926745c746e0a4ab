import { afterEach, describe, expect, it } from 'vitest'
import { Apex } from '../../src/salesforce/apex/index.js'
import { sendJson, startLoopback, TestRequester, type Loopback } from './data-loopback.js'

let server: Loopback | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('apex rest', () => {
  it('calls every method under /services/apexrest/ with bodies and query', async () => {
    server = await startLoopback((req, res) =>
      sendJson(res, 200, { method: req.method, body: req.text ? req.json() : null }),
    )
    const apex = new Apex(new TestRequester(server.baseUrl))
    expect(await apex.get('/Orders/v1/42', { query: { full: true } })).toEqual({
      method: 'GET',
      body: null,
    })
    expect(await apex.post('Orders/v1', { a: 1 })).toEqual({ method: 'POST', body: { a: 1 } })
    expect(await apex.patch('/services/apexrest/Orders/v1', { b: 2 })).toEqual({
      method: 'PATCH',
      body: { b: 2 },
    })
    await apex.put('ns/Orders', [1])
    await apex.delete('Orders/v1/42')
    expect(server.calls.map((c) => `${c.method} ${c.url.pathname}${c.url.search}`)).toEqual([
      'GET /services/apexrest/Orders/v1/42?full=true',
      'POST /services/apexrest/Orders/v1',
      'PATCH /services/apexrest/Orders/v1',
      'PUT /services/apexrest/ns/Orders',
      'DELETE /services/apexrest/Orders/v1/42',
    ])
  })

  it('surfaces Apex errors with their status and rejects paths that escape apexrest', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 400, [{ errorCode: 'APEX_ERROR', message: 'System.NullPointerException' }]),
    )
    const apex = new Apex(new TestRequester(server.baseUrl))
    await expect(apex.get('Orders')).rejects.toMatchObject({ status: 400, code: 'APEX_ERROR' })
    await expect(apex.get('../data/v66.0/limits')).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(apex.get('https://evil.example/x')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    expect(server.calls).toHaveLength(1)
  })
})
