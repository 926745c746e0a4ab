// Registers the composite family on the emulator's server: `/composite`, `/composite/batch`,
// `/composite/tree/{Type}` and `/composite/sobjects` (sObject Collections).

import type { FastifyReply, FastifyRequest } from 'fastify'
import type { EmulatorContext, Feature } from '../server/emulator-context.js'
import { readJsonBody } from '../server/read-json-body.js'
import { runBatch } from './batch-request.js'
import {
  createCollection,
  deleteCollection,
  updateCollection,
  upsertCollection,
} from './collections.js'
import { retrieveCollection, retrieveParams } from './collection-retrieve.js'
import { runComposite, type CompositeEnv } from './composite-request.js'
import type { Reply } from './reply.js'
import { runTree } from './tree-request.js'

const BASE = '/services/data/:version/composite'

/** Response headers of an internal call that make no sense inside a subresponse. */
const DROPPED_HEADERS = new Set([
  'content-length',
  'content-type',
  'date',
  'connection',
  'keep-alive',
  'sforce-limit-info',
  'transfer-encoding',
])

/** `location` → `Location`, `etag` → `ETag`: subresponse headers read as Salesforce writes them. */
function headerCase(name: string): string {
  if (name.toLowerCase() === 'etag') return 'ETag'
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-')
}

function send(reply: FastifyReply, result: Reply): FastifyReply {
  reply.code(result.status)
  for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value)
  if (result.body === null || result.body === undefined) return reply.send()
  return reply.type('application/json;charset=UTF-8').send(result.body)
}

function dispatcher(ctx: EmulatorContext, request: FastifyRequest) {
  return async (sub: {
    method: string
    url: string
    body?: unknown
    headers?: Record<string, string>
  }): Promise<Reply> => {
    const res = await ctx.dispatch({ ...sub, session: request.session })
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(res.headers)) {
      if (!DROPPED_HEADERS.has(name.toLowerCase())) headers[headerCase(name)] = value
    }
    return { status: res.status, body: res.body, headers }
  }
}

function compositeEnv(ctx: EmulatorContext, request: FastifyRequest): CompositeEnv {
  return {
    org: ctx.org,
    user: { userId: request.session.userId },
    apiVersion: request.apiVersion,
    query: (soql, opts) => ctx.queryPage(soql, opts),
    dispatch: dispatcher(ctx, request),
  }
}

type Params = { version: string; type: string; field: string }
type Query = { ids?: string; fields?: string; allOrNone?: string }

export const compositeFeature: Feature = (app, ctx) => {
  app.post(BASE, async (request, reply) =>
    send(reply, await runComposite(compositeEnv(ctx, request), readJsonBody(request.body))),
  )

  app.post(`${BASE}/batch`, async (request, reply) => {
    const env = { dispatch: dispatcher(ctx, request), countCall: () => ctx.limits.count() }
    return send(reply, await runBatch(env, readJsonBody(request.body)))
  })

  app.post<{ Params: Params }>(`${BASE}/tree/:type`, async (request, reply) =>
    send(
      reply,
      runTree(ctx.org, request.params.type, readJsonBody(request.body), {
        userId: request.session.userId,
      }),
    ),
  )

  app.post(`${BASE}/sobjects`, async (request, reply) =>
    send(
      reply,
      createCollection(
        ctx.org,
        readJsonBody(request.body),
        { userId: request.session.userId },
        request.apiVersion,
      ),
    ),
  )
  app.patch(`${BASE}/sobjects`, async (request, reply) =>
    send(
      reply,
      updateCollection(
        ctx.org,
        readJsonBody(request.body),
        { userId: request.session.userId },
        request.apiVersion,
      ),
    ),
  )
  app.delete<{ Querystring: Query }>(`${BASE}/sobjects`, async (request, reply) =>
    send(
      reply,
      deleteCollection(
        ctx.org,
        request.query.ids,
        request.query.allOrNone,
        { userId: request.session.userId },
        request.apiVersion,
      ),
    ),
  )
  app.get<{ Params: Params; Querystring: Query }>(
    `${BASE}/sobjects/:type`,
    async (request, reply) => {
      const { ids, fields } = retrieveParams(request.query, undefined)
      return send(
        reply,
        retrieveCollection(ctx.org, request.params.type, ids, fields, request.apiVersion),
      )
    },
  )
  app.post<{ Params: Params }>(`${BASE}/sobjects/:type`, async (request, reply) => {
    const { ids, fields } = retrieveParams(undefined, readJsonBody(request.body))
    return send(
      reply,
      retrieveCollection(ctx.org, request.params.type, ids, fields, request.apiVersion),
    )
  })
  app.patch<{ Params: Params }>(`${BASE}/sobjects/:type/:field`, async (request, reply) =>
    send(
      reply,
      upsertCollection(
        ctx.org,
        request.params.type,
        request.params.field,
        readJsonBody(request.body),
        { userId: request.session.userId },
        request.apiVersion,
      ),
    ),
  )
}
