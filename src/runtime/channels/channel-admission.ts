// Decides, before a request's body is read, whether a channel call may go ahead: which channel
// (404 when none), the caller's credential (401), the channel's rate (429) and declared body size
// (413). A Fastify onRequest hook in callback style, so the common case (channels cached, an API
// key, no rate limit) runs synchronously, costs no promise and, for a channel at a fixed path,
// allocates nothing; a rate-limited channel awaits the shared RateLimiter (one settled promise
// with the in-memory one).
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { ChannelInfo } from '../../store/index.js'
import { declaredTooLarge } from './channel-body-limit.js'
import type { ChannelMatch } from './channel-router.js'
import type { ChannelSecurity, SecurityVerdict } from './channel-security.js'
import type { ChannelSnapshot, ChannelTable } from './channel-table.js'
import { setRouteLabel } from '../metrics/index.js'
import type { RateDecision, RateLimiter } from '../shared-state/index.js'

export interface ChannelAdmissionOptions {
  table: ChannelTable
  limiter: RateLimiter
  /** Body limit of a channel without its own maxBodyBytes. */
  defaultBodyLimit: number
}

/**
 * The request property that carries its admitted call from onRequest to the handler; the HTTP
 * server declares it (decorateRequest), so request objects keep one shape. A WeakMap entry per
 * request costs more to add and to collect.
 */
export const ADMITTED_CALL = Symbol('forcebridge.admittedCall')

type WithCall = { [ADMITTED_CALL]?: ChannelMatch | null }

export interface ChannelAdmission {
  onRequest(req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void
  /** The channel and path parameters of `req`; undefined when admission answered it already. */
  admitted(req: FastifyRequest): ChannelMatch | undefined
  /** The largest body `channel` takes. */
  bodyLimit(channel: ChannelInfo): number
}

export function channelAdmission(options: ChannelAdmissionOptions): ChannelAdmission {
  const { table, limiter, defaultBodyLimit } = options
  const bodyLimit = (channel: ChannelInfo) => channel.maxBodyBytes ?? defaultBodyLimit

  const route = (
    snapshot: ChannelSnapshot,
    req: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ) => {
    const match = snapshot.router.match(req.method, pathOf(req))
    if (!match) {
      reply.callNotFound()
      return
    }
    // Metrics count requests by the channel's path pattern, not the catch-all route.
    setRouteLabel(req, match.channel.path)
    const id = match.channel.securityDefinitionId
    if (id === null) return admit(match, req, reply, done)
    const security = snapshot.security(id)
    // A definition that vanished between two reads refuses, like a wrong credential.
    const checked = security?.check(req.headers) ?? MISSING_DEFINITION
    if (checked instanceof Promise) {
      checked.then((verdict) => judge(verdict, security, match, req, reply, done)).catch(done)
    } else {
      judge(checked, security, match, req, reply, done)
    }
  }

  const judge = (
    verdict: SecurityVerdict,
    security: ChannelSecurity | undefined,
    match: ChannelMatch,
    req: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ) => {
    if (verdict.ok) return admit(match, req, reply, done)
    const { channel } = match
    req.log.warn(
      {
        channel: `${channel.method} ${channel.path}`,
        kind: security?.kind,
        reason: verdict.reason,
      },
      'credential refused',
    )
    // A 503 (keys not fetched, too many checks waiting) passes soon: say when to come back.
    if (verdict.status === 503) reply.header('Retry-After', 1)
    reply
      .code(verdict.status)
      .header('WWW-Authenticate', verdict.challenge)
      .send({ error: verdict.status === 401 ? 'UNAUTHORIZED' : 'AUTH_UNAVAILABLE' })
  }

  const admit = (
    match: ChannelMatch,
    req: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ) => {
    const { channel } = match
    if (channel.rateLimit) {
      limiter
        .consume(channel.id, channel.rateLimit)
        .then((rate) => rated(rate, match, req, reply, done), done)
      return
    }
    pass(match, req, done)
  }

  const rated = (
    rate: RateDecision,
    match: ChannelMatch,
    req: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ) => {
    const { channel } = match
    reply.header('RateLimit-Limit', rate.limit)
    reply.header('RateLimit-Remaining', rate.remaining)
    reply.header('RateLimit-Reset', rate.resetSeconds)
    if (!rate.allowed) {
      const limit = channel.rateLimit
      reply
        .code(429)
        .header('Retry-After', rate.retryAfterSeconds)
        .send({
          error: 'RATE_LIMITED',
          message: `over the channel's limit of ${limit?.requests} calls per ${limit?.perSeconds} s; retry after ${rate.retryAfterSeconds} s`,
        })
      return
    }
    pass(match, req, done)
  }

  const pass = (match: ChannelMatch, req: FastifyRequest, done: HookHandlerDoneFunction) => {
    const { channel } = match
    const tooLarge = declaredTooLarge(req.headers, bodyLimit(channel))
    if (tooLarge) return done(tooLarge)
    ;(req as WithCall)[ADMITTED_CALL] = match
    done()
  }

  return {
    onRequest(req, reply, done) {
      const snapshot = table.current()
      if (snapshot instanceof Promise) {
        snapshot.then((s) => route(s, req, reply, done)).catch(done)
      } else {
        route(snapshot, req, reply, done)
      }
    },
    admitted: (req) => (req as WithCall)[ADMITTED_CALL] ?? undefined,
    bodyLimit,
  }
}

const MISSING_DEFINITION: SecurityVerdict = Object.freeze({
  ok: false,
  status: 401,
  reason: 'missing_definition',
  challenge: 'Bearer realm="forcebridge"',
})

/** The request's path, without the query string. */
export function pathOf(req: FastifyRequest): string {
  const q = req.url.indexOf('?')
  return q < 0 ? req.url : req.url.slice(0, q)
}
