// The hook in front of every route, on the normalised path: refuses paths that cannot name
// a resource, opens the admin API only with its token off loopback, and for every route not
// listed as open authenticates the session, checks the version, enforces the limits, counts
// the call, injects faults and adds `Sforce-Limit-Info` (salesforce-api.md §0, §2.1, §5).

import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { versionFromSegment } from '../data/api-versions.js'
import { sendFault } from '../faults/send-fault.js'
import { sendInvalidSession, sendRequestLimitExceeded } from '../bulk-v1/index.js'
import type { EmulatorState } from './emulator-state.js'
import type { Session } from './emulator-context.js'
import { normalizeUrl } from './normalize-path.js'
import { routeAccess } from './route-access.js'

const DATA_PATH = /^\/services\/data\/([^/?]+)/

/** Why a request's path was refused, kept from the rewrite until the first hook answers. */
const refused = new WeakMap<IncomingMessage, string>()

/**
 * Fastify's `rewriteUrl`: every request (over HTTP or injected) is routed on its normalised
 * path. A refused path is routed anywhere (`/`): the guard's first hook answers it before
 * any handler runs.
 */
export function rewriteRequestUrl(req: IncomingMessage): string {
  const verdict = normalizeUrl(req.url ?? '/')
  if (verdict.ok) return verdict.url
  refused.set(req, verdict.problem)
  return '/'
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (!header) return undefined
  // `OAuth <token>` is the legacy form Salesforce still accepts.
  const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim())
  return m?.[1]
}

function sfdcSession(header: string | string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim()
  return value === undefined || value === '' ? undefined : value
}

function invalidSession(reply: FastifyReply): FastifyReply {
  return reply
    .code(401)
    .send([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }])
}

function limitInfo(state: EmulatorState): string {
  return `api-usage=${state.limits.used()}/${state.limits.max()}`
}

/** The admin API is open on a loopback address; otherwise it needs the token printed at start. */
function adminCheck(state: EmulatorState, request: FastifyRequest, reply: FastifyReply) {
  if (state.adminOpen) return
  const given = Buffer.from(String(request.headers['x-emulator-admin-token'] ?? ''))
  const expected = Buffer.from(state.adminToken)
  if (given.length === expected.length && timingSafeEqual(given, expected)) return
  return reply.code(403).send([
    {
      errorCode: 'FORBIDDEN',
      message:
        'the admin API needs the X-Emulator-Admin-Token header: the emulator printed the token at start',
    },
  ])
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

export function registerApiGuard(app: FastifyInstance, state: EmulatorState): void {
  app.decorateRequest('session', null as unknown as Session)
  app.decorateRequest('apiVersion', '')
  const flights = new WeakMap<FastifyRequest, number>()

  app.addHook('onRequest', async (request, reply) => {
    const problem = refused.get(request.raw)
    if (problem !== undefined) {
      return reply.code(404).send([
        {
          errorCode: 'NOT_FOUND',
          message: `The requested resource does not exist: ${problem}. Send the path as Salesforce documents it.`,
        },
      ])
    }
    const path = request.url.split('?', 1)[0]!
    const access = routeAccess(request.method, request.routeOptions.url, path)
    if (access === 'admin') return adminCheck(state, request, reply)
    if (access !== 'session' && access !== 'async') return
    const internal = request.headers['x-emulator-internal'] === state.internalKey
    let session: Session | undefined
    if (internal) {
      session = state.dispatchSessions.get(String(request.headers['x-emulator-dispatch']))
    } else {
      // Bulk API 1.0 takes the access token in X-SFDC-Session ([C: SF-Bulk1 "Headers"]).
      const token =
        access === 'async' ? sfdcSession(request.headers['x-sfdc-session']) : bearerToken(request)
      session = token === undefined ? undefined : state.sessions.use(token)
    }
    if (!session)
      return access === 'async' ? sendInvalidSession(request, reply) : invalidSession(reply)
    // Routes outside `/services/data/vNN.N` (none yet) carry no version to check.
    const segment = DATA_PATH.exec(path)?.[1]
    const version = segment === undefined ? '' : versionFromSegment(segment)
    if (version === undefined) {
      return reply
        .code(404)
        .send([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }])
    }
    request.session = session
    request.apiVersion = version
    if (internal) return
    if (state.users.get(session.username.toLowerCase())?.apiEnabled === false) {
      return reply
        .code(403)
        .send([{ message: 'API is disabled for this User', errorCode: 'API_CURRENTLY_DISABLED' }])
    }
    if (state.limits.exhausted()) {
      reply.header('sforce-limit-info', limitInfo(state))
      if (access === 'async') return sendRequestLimitExceeded(request, reply)
      return reply
        .code(403)
        .send([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }])
    }
    const flight = state.limits.begin()
    if (flight === undefined) {
      return reply.code(403).send([
        {
          message: 'ConcurrentPerOrgLongTxn Limit exceeded.',
          errorCode: 'REQUEST_LIMIT_EXCEEDED',
        },
      ])
    }
    flights.set(request, flight)
    state.limits.count()
    state.stats.requests++
    reply.header('sforce-limit-info', limitInfo(state))
    // "Sessions live for N calls": the Nth call is served, the next one finds no session.
    if (state.faults.shouldExpireSessions()) state.sessions.expireAll()
    const delay = state.faults.latency()
    if (delay > 0) await sleep(delay)
    const fault = state.faults.pick(WRITE_METHODS.has(request.method))
    if (fault === 'connectionReset') {
      state.limits.end(flight)
      flights.delete(request)
    }
    if (fault) return sendFault(fault, request, reply)
  })

  app.addHook('onResponse', (request, _reply, done) => {
    const flight = flights.get(request)
    if (flight !== undefined) state.limits.end(flight)
    done()
  })
  // A dropped connection never reaches onResponse.
  app.addHook('onRequestAbort', (request, done) => {
    const flight = flights.get(request)
    if (flight !== undefined) state.limits.end(flight)
    done()
  })
}
