import { afterEach, describe, expect, it } from 'vitest'
import { parameterizedSearch, search } from '../../src/salesforce/search/index.js'
import { sendJson, startLoopback, TestRequester, type Loopback } from './data-loopback.js'

let server: Loopback | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const records = [{ attributes: { type: 'Account' }, Id: '001000000000001AAA', Name: 'Acme' }]

describe('search', () => {
  it('sends SOSL as q and returns searchRecords', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, { searchRecords: records }))
    const found = await search(
      new TestRequester(server.baseUrl),
      'FIND {Acme} RETURNING Account(Id, Name)',
    )
    expect(found).toEqual(records)
    expect(server.calls[0]?.url.pathname).toBe('/services/data/v66.0/search')
    expect(server.calls[0]?.url.searchParams.get('q')).toBe(
      'FIND {Acme} RETURNING Account(Id, Name)',
    )
  })

  it('accepts the bare array older API versions answer', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, records))
    expect(await search(new TestRequester(server.baseUrl), 'FIND {Acme}')).toEqual(records)
  })

  it('rejects text that is not SOSL before sending', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, { searchRecords: [] }))
    await expect(
      search(new TestRequester(server.baseUrl), 'SELECT Id FROM Account'),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(server.calls).toHaveLength(0)
  })

  it('posts a parameterized search as JSON and validates it first', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, { searchRecords: records }))
    const r = new TestRequester(server.baseUrl)
    const params = {
      q: 'Acme',
      sobjects: [{ name: 'Account', fields: ['Id', 'Name'], limit: 5 }],
      in: 'NAME' as const,
    }
    expect(await parameterizedSearch(r, params)).toEqual(records)
    expect(server.calls[0]?.method).toBe('POST')
    expect(server.calls[0]?.url.pathname).toBe('/services/data/v66.0/parameterizedSearch')
    expect(server.calls[0]?.json()).toEqual(params)
    await expect(
      parameterizedSearch(r, { q: 'A', sobjects: [{ name: 'Bad Name' }] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(server.calls).toHaveLength(1)
  })
})
