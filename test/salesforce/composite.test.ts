import { afterEach, describe, expect, it } from 'vitest'
import {
  composite,
  compositeBatch,
  compositeTree,
  type CompositeSubrequest,
} from '../../src/salesforce/composite/index.js'
import { sendJson, startLoopback, TestRequester, type Loopback } from './data-loopback.js'

let server: Loopback | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const ACC = '001000000000001AAA'

describe('composite', () => {
  it('sends subrequests with full URLs and references, and maps each subresult', async () => {
    server = await startLoopback((req, res) => {
      const body = req.json() as { compositeRequest: Array<{ referenceId: string }> }
      sendJson(res, 200, {
        compositeResponse: [
          {
            body: { id: ACC, success: true, errors: [] },
            httpHeaders: { Location: `/services/data/v66.0/sobjects/Account/${ACC}` },
            httpStatusCode: 201,
            referenceId: body.compositeRequest[0]?.referenceId,
          },
          {
            body: [
              {
                errorCode: 'REQUIRED_FIELD_MISSING',
                message: 'Required fields are missing: [LastName]',
              },
            ],
            httpHeaders: {},
            httpStatusCode: 400,
            referenceId: 'con',
          },
        ],
      })
    })
    const result = await composite(new TestRequester(server.baseUrl), {
      allOrNone: false,
      requests: [
        { method: 'POST', url: 'sobjects/Account', referenceId: 'acc', body: { Name: 'Acme' } },
        {
          method: 'POST',
          url: '/services/data/v66.0/sobjects/Contact',
          referenceId: 'con',
          body: { AccountId: '@{acc.id}' },
        },
      ],
    })
    expect(server.calls[0]?.url.pathname).toBe('/services/data/v66.0/composite')
    expect(server.calls[0]?.json()).toEqual({
      allOrNone: false,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v66.0/sobjects/Account',
          referenceId: 'acc',
          body: { Name: 'Acme' },
        },
        {
          method: 'POST',
          url: '/services/data/v66.0/sobjects/Contact',
          referenceId: 'con',
          body: { AccountId: '@{acc.id}' },
        },
      ],
    })
    expect(result.ok).toBe(false)
    expect(result.byReferenceId.acc).toMatchObject({ status: 201, ok: true, body: { id: ACC } })
    expect(result.results[1]).toMatchObject({ referenceId: 'con', status: 400, ok: false })
  })

  it('refuses invalid requests before sending', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 500, []))
    const r = new TestRequester(server.baseUrl)
    const sub = (i: number, url = 'sobjects/Account'): CompositeSubrequest => ({
      method: 'GET',
      url,
      referenceId: `r${i}`,
    })
    const cases: CompositeSubrequest[][] = [
      [],
      Array.from({ length: 26 }, (_, i) => sub(i)),
      [sub(0), sub(0)],
      [
        {
          method: 'POST',
          url: 'sobjects/Contact',
          referenceId: 'c',
          body: { AccountId: '@{acc.id}' },
        },
      ],
      [{ method: 'GET', url: 'sobjects/Account/@{later.id}', referenceId: 'a' }, sub(1)],
      Array.from({ length: 6 }, (_, i) => sub(i, 'query?q=SELECT+Id+FROM+Account')),
      [{ method: 'GET', url: 'x', referenceId: 'bad-ref' }],
    ]
    for (const requests of cases) {
      await expect(composite(r, { requests })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    }
    expect(server.calls).toHaveLength(0)
  })
})

describe('composite batch', () => {
  it('sends version-relative URLs and reports each subresult', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, {
        hasErrors: true,
        results: [
          { statusCode: 204, result: null },
          {
            statusCode: 412,
            result: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'halted' }],
          },
        ],
      }),
    )
    const result = await compositeBatch(new TestRequester(server.baseUrl), {
      haltOnError: true,
      requests: [
        { method: 'PATCH', url: `sobjects/Account/${ACC}`, richInput: { Name: 'B' } },
        { method: 'GET', url: '/services/data/v60.0/limits' },
      ],
    })
    expect(server.calls[0]?.json()).toEqual({
      haltOnError: true,
      batchRequests: [
        { method: 'PATCH', url: `v66.0/sobjects/Account/${ACC}`, richInput: { Name: 'B' } },
        { method: 'GET', url: 'v60.0/limits' },
      ],
    })
    expect(result).toEqual({
      hasErrors: true,
      results: [
        { status: 204, ok: true, body: null },
        {
          status: 412,
          ok: false,
          body: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'halted' }],
        },
      ],
    })
    await expect(
      compositeBatch(new TestRequester(server.baseUrl), { requests: [] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})

describe('composite tree', () => {
  const tree = [
    {
      attributes: { type: 'Account', referenceId: 'ref1' },
      Name: 'Acme',
      Contacts: {
        records: [
          { attributes: { type: 'Contact', referenceId: 'ref2' }, LastName: 'Doe', Email: '123' },
        ],
      },
    },
  ]

  it('returns ids per referenceId on success', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 201, {
        hasErrors: false,
        results: [
          { referenceId: 'ref1', id: ACC },
          { referenceId: 'ref2', id: '003000000000001AAA' },
        ],
      }),
    )
    const result = await compositeTree(new TestRequester(server.baseUrl), 'Account', tree)
    expect(server.calls[0]?.url.pathname).toBe('/services/data/v66.0/composite/tree/Account')
    expect(result).toEqual({
      ok: true,
      results: [
        { referenceId: 'ref1', id: ACC, errors: [] },
        { referenceId: 'ref2', id: '003000000000001AAA', errors: [] },
      ],
    })
  })

  it('returns the 400 per-record errors as data, with statusCode mapped to code', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 400, {
        hasErrors: true,
        results: [
          {
            referenceId: 'ref2',
            errors: [
              {
                statusCode: 'INVALID_EMAIL_ADDRESS',
                message: 'Email: invalid email address: 123',
                fields: ['Email'],
              },
            ],
          },
        ],
      }),
    )
    const result = await compositeTree(new TestRequester(server.baseUrl), 'Account', tree)
    expect(result).toEqual({
      ok: false,
      results: [
        {
          referenceId: 'ref2',
          errors: [
            {
              code: 'INVALID_EMAIL_ADDRESS',
              message: 'Email: invalid email address: 123',
              fields: ['Email'],
            },
          ],
        },
      ],
    })
  })

  it('counts nested records against the 200 limit before sending', async () => {
    server = await startLoopback((_req, res) => sendJson(res, 500, []))
    const big = [
      {
        attributes: { type: 'Account', referenceId: 'a' },
        Contacts: {
          records: Array.from({ length: 200 }, (_, i) => ({
            attributes: { type: 'Contact', referenceId: `c${i}` },
          })),
        },
      },
    ]
    await expect(compositeTree(new TestRequester(server.baseUrl), 'Account', big)).rejects.toThrow(
      /201 records/,
    )
    expect(server.calls).toHaveLength(0)
  })
})
