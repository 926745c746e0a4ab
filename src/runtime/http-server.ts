// The services' HTTP server (Fastify): REST channels from the store, API key security,
// input validation, and one mapping from failures to answers:
//   400 bad input (with the issues) · 401 bad or missing key (no detail) · 404 no channel ·
//   502 Salesforce refused (its errorCode) or login failed · 503 connection missing/inactive
//   or service not loaded · 504 timeout · 500 a bug (only the correlation id).
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { LoginError, SalesforceApiError, SalesforceError } from '../salesforce/index.js'
import type { Store } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'
import { matchChannel } from './channel-router.js'
import { setRouteLabel } from './metrics/index.js'
import { InvalidInputError, type Invoker } from './invoker.js'

export interface HttpServerOptions {
  store: Store
  invoker: Invoker
  log: Logger
  /** Largest request body in bytes. Default 1 MiB. */
  bodyLimit?: number
}

const CORRELATION_HEADER = 'x-correlation-id'

/** The Fastify instance, typed with the runtime's pino logger. */
export type HttpServer = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { store, invoker } = options
  const app = Fastify({
    loggerInstance: options.log,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // close() ends every open connection, keep-alive ones included: a caller's pool can hold
    // a socket open indefinitely and stall shutdown. Draining running invocations first is
    // issue 5's graceful shutdown.
    forceCloseConnections: true,
    genReqId: (req) => {
      const given = req.headers[CORRELATION_HEADER]
      return typeof given === 'string' && /^[\w.-]{8,64}$/.test(given) ? given : randomUUID()
    },
  })

  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('X-Correlation-Id', req.id)
    done(null, payload)
  })

  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: 'NOT_FOUND', message: `no channel for ${req.method} ${pathOf(req)}` }),
  )

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: async (req, reply) => {
      const match = matchChannel(await store.channels.list(), req.method, pathOf(req))
      if (!match) return reply.callNotFound()
      const { channel, params } = match
      // Metrics count requests by the channel's path pattern, not the catch-all route.
      setRouteLabel(req, channel.path)
      if (channel.securityDefinitionId !== null) {
        const key = presentedKey(req)
        if (!key || !(await store.security.verifyApiKey(channel.securityDefinitionId, key))) {
          return reply
            .code(401)
            .header('WWW-Authenticate', 'Bearer')
            .send({ error: 'UNAUTHORIZED' })
        }
      }
      const input = inputOf(req, params)
      const abort = new AbortController()
      // The response's 'close' before it finished means the caller went away (the request's
      // own 'close' fires as soon as its body has been read, so it cannot tell).
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) {
          abort.abort(new ForcebridgeError('CALLER_GONE', 'the HTTP caller closed the connection'))
        }
      })
      const result = await invoker.invoke(channel.service, input, {
        correlationId: req.id,
        signal: abort.signal,
        log: req.log,
      })
      return reply.code(200).send(result ?? null)
    },
  })

  app.setErrorHandler((err, req, reply) => sendError(err, req, reply))
  return app
}

function pathOf(req: FastifyRequest): string {
  return req.url.split('?')[0] ?? '/'
}

/** `X-API-Key: <key>` or `Authorization: Bearer <key>`. */
function presentedKey(req: FastifyRequest): string | undefined {
  const header = req.headers['x-api-key']
  if (typeof header === 'string' && header) return header
  const auth = req.headers.authorization
  const m = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth) : null
  return m?.[1]
}

/** A JSON object body merged with the path parameters; query parameters for GET and DELETE. */
function inputOf(req: FastifyRequest, params: Record<string, string>): unknown {
  const hasBody = req.method !== 'GET' && req.method !== 'DELETE'
  const base = hasBody ? req.body : req.query
  if (Object.keys(params).length === 0) return base
  const obj = base && typeof base === 'object' && !Array.isArray(base) ? base : {}
  return { ...obj, ...params }
}

function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const correlationId = req.id
  if (err instanceof InvalidInputError) {
    return reply
      .code(400)
      .send({ error: 'INVALID_INPUT', message: err.message, issues: err.issues })
  }
  if (err instanceof LoginError) {
    req.log.warn({ err: { code: err.code, message: err.message } }, 'Salesforce login failed')
    return reply.code(502).send({
      error: 'SALESFORCE_LOGIN_FAILED',
      errorCode: err.error ?? err.code,
      message: err.message,
      correlationId,
    })
  }
  if (err instanceof SalesforceApiError) {
    // Salesforce refused or failed the call. 502 either way: the caller's request reached us
    // fine; errorCode (REQUIRED_FIELD_MISSING, INVALID_FIELD, ...) says what Salesforce disliked.
    req.log.warn({ status: err.status, errorCode: err.errorCode }, 'Salesforce refused a call')
    return reply.code(502).send({
      error: 'SALESFORCE_ERROR',
      errorCode: err.errorCode ?? err.code,
      message: err.errors[0]?.message ?? err.message,
      fields: err.fields,
      correlationId,
    })
  }
  if (err instanceof SalesforceError) {
    req.log.warn({ code: err.code }, 'Salesforce call failed')
    return reply
      .code(502)
      .send({ error: 'SALESFORCE_ERROR', errorCode: err.code, message: err.message, correlationId })
  }
  if (err instanceof ForcebridgeError) {
    switch (err.code) {
      case 'CONNECTION_NOT_FOUND':
      case 'CONNECTION_INACTIVE':
      case 'CONNECTION_UNUSABLE':
      case 'SERVICE_NOT_FOUND':
        req.log.error({ code: err.code, msg: err.message }, 'service unavailable')
        return reply.code(503).send({ error: err.code, message: err.message, correlationId })
      case 'SERVICE_TIMEOUT':
        req.log.warn({ code: err.code }, err.message)
        return reply.code(504).send({ error: err.code, correlationId })
      case 'CALLER_GONE':
        // Nobody is left to read an answer; end the exchange without one.
        req.log.info('caller went away; invocation aborted')
        reply.hijack()
        reply.raw.destroy()
        return
    }
  }
  const status = (err as { statusCode?: unknown }).statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own refusals: malformed JSON, unsupported media type, body too large.
    return reply.code(status).send({ error: 'BAD_REQUEST', message: (err as Error).message })
  }
  req.log.error({ err }, 'service failed')
  return reply.code(500).send({ error: 'INTERNAL_ERROR', correlationId })
}
