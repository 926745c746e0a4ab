// Serves `/services/apexrest/...` from the org file's handler modules. The server's guard
// has already required a session, counted the call and injected faults. A handler that
// throws answers Apex's unhandled-exception shape: 500 `[{"errorCode":"APEX_ERROR",...}]`.

import { resolve } from 'node:path'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from '../model/index.js'
import type { ApexRestRouteConfig } from '../org/apex-rest-config.js'
import type { EmulatorContext, Feature } from '../server/emulator-context.js'
import { readJsonBody } from '../server/read-json-body.js'
import type { ApexRestHandler, ApexRestRequest } from './apex-rest-handler.js'
import { loadHandler } from './handler-loader.js'
import { compilePattern, type PathMatcher } from './path-pattern.js'

const PREFIX = '/services/apexrest'

interface Endpoint {
  method: string
  match: PathMatcher
  handler: ApexRestHandler
}

function toRequest(
  request: FastifyRequest,
  path: string,
  params: Record<string, string>,
): ApexRestRequest {
  const url = new URL(request.url, 'http://x')
  const query: Record<string, string> = {}
  for (const [k, v] of url.searchParams) query[k] = v
  const raw = typeof request.body === 'string' ? request.body : ''
  const type = String(request.headers['content-type'] ?? '')
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(request.headers)) {
    // The session is not the handler's business, and internal markers stay internal.
    if (v === undefined || k === 'authorization' || k.startsWith('x-emulator-')) continue
    headers[k] = Array.isArray(v) ? v.join(', ') : v
  }
  return {
    method: request.method as ApexRestRequest['method'],
    path,
    params,
    query,
    body: raw.trim() === '' ? undefined : type.includes('json') ? readJsonBody(raw) : raw,
    headers,
    user: {
      id: request.session.userId,
      username: request.session.username,
      orgId: request.session.orgId,
    },
  }
}

async function answer(endpoint: Endpoint, req: ApexRestRequest, reply: FastifyReply) {
  let out
  try {
    out = await endpoint.handler(req)
  } catch (err) {
    // An unhandled exception in an Apex REST method: 500 with its type and message.
    const message = err instanceof Error ? `${err.name}: ${err.message}` : `Error: ${String(err)}`
    return reply.code(500).send([{ errorCode: 'APEX_ERROR', message }])
  }
  const status = out?.status ?? (out?.body === undefined ? 204 : 200)
  for (const [k, v] of Object.entries(out?.headers ?? {})) reply.header(k, v)
  if (out?.body === undefined || status === 204) return reply.code(status).send()
  return reply.code(status).type('application/json').send(JSON.stringify(out.body))
}

/** The Apex REST feature for the org file's `apexRest` entries, paths relative to `baseDir`. */
export function createApexRestFeature(routes: ApexRestRouteConfig[], baseDir: string): Feature {
  return async (app, _ctx: EmulatorContext) => {
    const endpoints: Endpoint[] = []
    for (const r of routes) {
      endpoints.push({
        method: r.method,
        match: compilePattern(r.path),
        handler: await loadHandler(resolve(baseDir, r.handler), r.export),
      })
    }
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: `${PREFIX}/*`,
      handler: async (request, reply) => {
        const path = request.url.split('?', 1)[0]!.slice(PREFIX.length)
        const matched = endpoints
          .map((e) => ({ e, params: e.match(path) }))
          .filter((m) => m.params !== undefined)
        const hit = matched.find((m) => m.e.method === request.method)
        if (hit === undefined) {
          if (matched.length > 0) {
            const allowed = [...new Set(matched.map((m) => m.e.method))].join(', ')
            throw new ApiError(
              405,
              'METHOD_NOT_ALLOWED',
              `HTTP Method '${request.method}' not allowed. Allowed are ${allowed}`,
            )
          }
          throw new ApiError(404, 'NOT_FOUND', `Could not find a match for URL ${path}`)
        }
        return answer(hit.e, toRequest(request, path, hit.params!), reply)
      },
    })
  }
}
