import { afterEach, describe, expect, it, vi } from 'vitest'
import { query, queryAll } from '../../src/salesforce/query/index.js'
import { sendJson, startLoopback, TestRequester, type Loopback } from './data-loopback.js'

const base = '/services/data/v66.0'
let server: Loopback | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Serves `pages` pages of 2 rows each, following Salesforce's locator URLs. */
async function pagedServer(pages: number, opts: { failPage?: number } = {}): Promise<Loopback> {
  return startLoopback((req, res) => {
    const m = /\/(query|queryAll)(?:\/01gXX-(\d+))?$/.exec(req.url.pathname)
    if (!m) return sendJson(res, 404, [{ errorCode: 'NOT_FOUND', message: 'nope' }])
    const index = Number(m[2] ?? 0)
    if (index === opts.failPage)
      return sendJson(res, 400, [
        { errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' },
      ])
    const done = index + 1 >= pages
    sendJson(res, 200, {
      totalSize: pages * 2,
      done,
      ...(done ? {} : { nextRecordsUrl: `${base}/query/01gXX-${index + 1}` }),
      records: [{ Id: `r${index}a` }, { Id: `r${index}b` }],
    })
  })
}

describe('query iterator', () => {
  it('follows nextRecordsUrl to the last page and yields every row in order', async () => {
    server = await pagedServer(3)
    const q = query<{ Id: string }>(new TestRequester(server.baseUrl), 'SELECT Id FROM Account')
    const ids: string[] = []
    for await (const row of q) ids.push(row.Id)
    expect(ids).toEqual(['r0a', 'r0b', 'r1a', 'r1b', 'r2a', 'r2b'])
    expect(q.totalSize).toBe(6)
    expect(server.calls[0]?.url.pathname).toBe(`${base}/query`)
    expect(server.calls[0]?.url.searchParams.get('q')).toBe('SELECT Id FROM Account')
    expect(server.calls.map((c) => c.url.pathname)).toEqual([
      `${base}/query`,
      `${base}/query/01gXX-1`,
      `${base}/query/01gXX-2`,
    ])
  })

  it('fetches the next page only when the consumer needs it', async () => {
    server = await pagedServer(3)
    const it = query<{ Id: string }>(new TestRequester(server.baseUrl), 'SELECT Id FROM Account')[
      Symbol.asyncIterator
    ]()
    await it.next()
    await it.next()
    expect(server.calls).toHaveLength(1)
    await it.next()
    expect(server.calls).toHaveLength(2)
    await it.return?.(undefined)
    expect(server.calls).toHaveLength(2)
  })

  it('prefetches exactly one page ahead when asked', async () => {
    server = await pagedServer(3)
    const s = server
    const it = query<{ Id: string }>(new TestRequester(s.baseUrl), 'SELECT Id FROM Account', {
      prefetch: true,
    })[Symbol.asyncIterator]()
    await it.next()
    await vi.waitFor(() => expect(s.calls).toHaveLength(2))
    await new Promise((r) => setTimeout(r, 50))
    expect(s.calls).toHaveLength(2)
    const rest: string[] = []
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value.Id)
    expect(rest).toEqual(['r0b', 'r1a', 'r1b', 'r2a', 'r2b'])
  })

  it('sends batchSize in Sforce-Query-Options and rejects sizes Salesforce refuses', async () => {
    server = await pagedServer(2)
    const r = new TestRequester(server.baseUrl)
    await query(r, 'SELECT Id FROM Account', { batchSize: 500 }).collect({ max: 10 })
    expect(server.calls.map((c) => c.headers['sforce-query-options'])).toEqual([
      'batchSize=500',
      'batchSize=500',
    ])
    expect(() => query(r, 'SELECT Id FROM Account', { batchSize: 100 })).toThrow(/200\.\.2000/)
  })

  it('collect throws QUERY_LIMIT_EXCEEDED instead of truncating', async () => {
    server = await pagedServer(3)
    const r = new TestRequester(server.baseUrl)
    await expect(query(r, 'SELECT Id FROM Account').collect({ max: 5 })).rejects.toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
    })
    expect(server.calls).toHaveLength(1)
    expect(await query(r, 'SELECT Id FROM Account').collect({ max: 6 })).toHaveLength(6)
  })

  it('queryAll uses the queryAll resource', async () => {
    server = await pagedServer(1)
    const rows = await queryAll(
      new TestRequester(server.baseUrl),
      'SELECT Id FROM Account',
    ).collect({ max: 2 })
    expect(rows).toHaveLength(2)
    expect(server.calls[0]?.url.pathname).toBe(`${base}/queryAll`)
  })

  it('surfaces an error on a later page to the consumer', async () => {
    server = await pagedServer(3, { failPage: 1 })
    const seen: string[] = []
    const run = async () => {
      for await (const row of query<{ Id: string }>(
        new TestRequester(server!.baseUrl),
        'SELECT Id FROM Account',
        { prefetch: true },
      )) {
        seen.push(row.Id)
      }
    }
    await expect(run()).rejects.toMatchObject({ status: 400, code: 'INVALID_QUERY_LOCATOR' })
    expect(seen).toEqual(['r0a', 'r0b'])
  })

  it('collects a COUNT() query, whose totalSize is the count and which has no rows', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, { totalSize: 42, done: true, records: [] }),
    )
    const q = query(new TestRequester(server.baseUrl), 'SELECT COUNT() FROM Account')
    expect(await q.collect({ max: 0 })).toEqual([])
    expect(q.totalSize).toBe(42)
  })
})
