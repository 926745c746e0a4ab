// The services' HTTP server (Fastify): REST channels from the store, their security, limits
// and input validation, and one mapping from failures to answers:
//   400 bad input (with the issues) · 401 bad or missing credentials (no detail) · 404 no channel
//   · 413 body over the channel's limit · 429 over the channel's rate (Retry-After) ·
//   502 Salesforce refused (its errorCode) or login failed · 503 connection missing/inactive,
//   service not loaded, keys to check a token unreachable, or the server shutting down ·
//   504 the channel's (or service's) timeout · 500 a bug (only the correlation id).
// With `Prefer: respond-async` (and a queue) a call is queued instead and answered 202 with a
// status URL, served here too at GET /jobs/:id (channel-async.ts, job-status-route.ts).
// Channels and security checkers are cached per store revision (channel-table.ts), so a request
// reads nothing from the store. close() drains: see ChannelDrain.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify'
import type { Logger } from 'pino'
import { LoginError, SalesforceApiError, SalesforceError } from '../../salesforce/index.js'
import type { Store } from '../../store/index.js'
import {
  applyServerLimits,
  errorAnswer,
  fastifyLimitOptions,
  ForcebridgeError,
  serverLimitsOf,
  type ServerLimits,
} from '../../util/index.js'
import { DEFAULT_MAX_BODY_BYTES, limitBody, MAX_CHANNEL_BODY_BYTES } from './channel-body-limit.js'
import { ADMITTED_CALL, channelAdmission, pathOf } from './channel-admission.js'
import { prefersAsync, respondAsync, type AsyncCallOptions } from './channel-async.js'
import { ChannelDrain, DEFAULT_DRAIN_TIMEOUT_MS } from './channel-drain.js'
import { lazyChildLoggerFactory } from '../logging/index.js'
import { ChannelTable } from './channel-table.js'
import {
  InvalidInputError,
  LazyAbort,
  type InvokeOptions,
  type Invoker,
} from '../services/index.js'
import { registerJobStatusRoute } from './job-status-route.js'
import { useJsonBodyParser } from './json-body-parser.js'
import { JobStatusTokens } from './job-status-tokens.js'
import { PublicOrigin } from './public-origin.js'
import type { JobQueue } from '../queue/index.js'
import { MemoryRateLimiter, type RateLimiter } from '../shared-state/index.js'

export interface HttpServerOptions {
  store: Store
  invoker: Invoker
  log: Logger
  /** Largest request body of a channel without its own maxBodyBytes, and of other routes. Default 1 MiB. */
  bodyLimit?: number
  /**
   * On close(), how long running invocations may take to finish before they are aborted; new
   * requests get 503 meanwhile. Default 30 s (FORCEBRIDGE_SHUTDOWN_TIMEOUT_MS).
   */
  drainTimeoutMs?: number
  /**
   * The durable queue behind `invoker.invokeAsync`. With it, a channel call carrying
   * `Prefer: respond-async` is queued and answered 202, and GET /jobs/:id serves its status;
   * without it that preference is ignored (the call runs synchronously). Default: none.
   */
  queue?: JobQueue
  /** Counts calls of rate-limited channels. Default: this process's memory. */
  rateLimiter?: RateLimiter
  /**
   * Timeouts and caps of the listener (slow or idle clients are cut off). Default:
   * DEFAULT_SERVER_LIMITS (FORCEBRIDGE_HEADERS_TIMEOUT_MS and friends).
   */
  limits?: Partial<ServerLimits>
  /**
   * Where absolute URLs handed out point (FORCEBRIDGE_PUBLIC_URL, trusted proxies). Default: the
   * listening address, set by the caller through `origin.listeningAt(url)`.
   */
  origin?: PublicOrigin
}

const CORRELATION_HEADER = 'x-correlation-id'

/** The Fastify instance, typed with the runtime's pino logger. */
export type HttpServer = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { store, invoker } = options
  const defaultBodyLimit = options.bodyLimit ?? DEFAULT_MAX_BODY_BYTES
  const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS
  const limiter = options.rateLimiter ?? new MemoryRateLimiter()
  const table = new ChannelTable(store, {
    onReload: (snapshot) => limiter.retain(new Set(snapshot.channels.map((c) => c.id))),
  })
  const drain = new ChannelDrain()
  const admission = channelAdmission({ table, limiter, defaultBodyLimit })
  const origin = options.origin ?? new PublicOrigin()
  const asyncCalls: AsyncCallOptions | undefined = options.queue
    ? {
        invoker,
        queue: options.queue,
        tokens: new JobStatusTokens(store.settings),
        origin: (req) => origin.of(req),
      }
    : undefined
  const limits = serverLimitsOf(options.limits)
  const app = Fastify({
    ...fastifyLimitOptions(limits),
    // X-Forwarded-For/-Proto/-Host count only from the configured proxies (req.ip, origin).
    ...(origin.trustsProxies ? { trustProxy: origin.trustProxy } : {}),
    loggerInstance: options.log,
    bodyLimit: defaultBodyLimit,
    // Once the drain is over, close() ends every connection still open, keep-alive ones
    // included: a caller's pool can hold an idle socket open indefinitely and stall shutdown.
    forceCloseConnections: true,
    // Two info lines per request cost more than the rest of a fast call; failures are logged
    // where they are handled, and /metrics counts every request.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLoggerFactory,
    // A URL Fastify cannot decode (e.g. a broken %-escape) is refused before any route runs;
    // answer it in the same shape as every other refusal.
    frameworkErrors: (err, req, reply: FastifyReply) => {
      void reply
        .code(400)
        .header('X-Correlation-Id', req.id)
        .send({ error: 'BAD_REQUEST', message: err.message })
    },
    genReqId: (req) => {
      const given = req.headers[CORRELATION_HEADER]
      return typeof given === 'string' && /^[\w.-]{8,64}$/.test(given) ? given : randomUUID()
    },
  })

  applyServerLimits(app.server, limits)
  useJsonBodyParser(app)
  app.decorateRequest(ADMITTED_CALL, null)

  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('X-Correlation-Id', req.id)
    // While draining, a kept-alive socket is closed after its answer instead of waiting for
    // another request (Fastify answers those with 503 and Connection: close).
    if (drain.draining) reply.header('Connection', 'close')
    done(null, payload)
  })

  // Fastify marks itself closing before preClose: requests on sockets still open get 503 and
  // Connection: close. Running invocations get the drain timeout to finish.
  app.addHook('preClose', async () => {
    // No new connections from here on (Fastify closes the server again after this hook, which
    // it accepts), and idle kept-alive sockets are closed by Node at once.
    if (app.server.listening) app.server.close()
    if (drain.running > 0)
      app.log.info({ running: drain.running, timeoutMs: drainTimeoutMs }, 'draining invocations')
    await drain.drain(drainTimeoutMs)
  })

  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: 'NOT_FOUND', message: `no channel for ${req.method} ${pathOf(req)}` }),
  )

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    // Each channel has its own limit, enforced in preParsing; this one only caps them all.
    bodyLimit: MAX_CHANNEL_BODY_BYTES,
    // Routing, credentials, rate and declared body size, all before the body is read.
    onRequest: (req, reply, done) => admission.onRequest(req, reply, done),
    preParsing: (req, _reply, payload, done) => {
      const match = admission.admitted(req)
      done(
        null,
        match ? limitBody(req.headers, payload, admission.bodyLimit(match.channel)) : payload,
      )
    },
    // Not an async function: the call's own promise is handed to Fastify, one promise less.
    handler: (req, reply) => {
      const match = admission.admitted(req)
      if (!match) return reply.callNotFound()
      const { channel, params } = match
      const input = inputOf(req, params)
      const abort = new LazyAbort()
      drain.start(abort)
      if (asyncCalls && prefersAsync(req.headers.prefer)) {
        // Tracked too, so that a close() waits for the job to be written before the store goes.
        return respondAsync(asyncCalls, req, reply, channel, input).finally(() =>
          drain.finish(abort),
        )
      }
      // The response's 'close' ends the call for the drain. Before it finished, it means the
      // caller went away (the request's own 'close' fires as soon as its body has been read).
      // It is emitted once: `on` spares the wrapper that `once` makes.
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) {
          abort.abort(new ForcebridgeError('CALLER_GONE', 'the HTTP caller closed the connection'))
        }
        drain.finish(abort)
      })
      const options: InvokeOptions = { correlationId: req.id, signal: abort }
      if (channel.timeoutMs !== null) options.timeoutMs = channel.timeoutMs
      return invoker.invoke(channel.service, input, options).then((result) => {
        reply.code(200).send(result ?? null)
      })
    },
  })

  if (asyncCalls) {
    registerJobStatusRoute(app, {
      queue: asyncCalls.queue,
      tokens: asyncCalls.tokens,
      closing: () => drain.draining,
    })
  }

  app.setErrorHandler((err, req, reply) => sendError(err, req, reply))
  return app
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
  // Status, code and shown message come from the error catalogue; the body adds the details.
  const answer = errorAnswer(err, 'channel')
  if (!answer.answered) {
    // Nobody is left to read an answer; end the exchange without one.
    req.log.info('caller went away; invocation aborted')
    reply.hijack()
    reply.raw.destroy()
    return
  }
  if (answer.internal) {
    req.log.error({ err }, 'service failed')
    return reply.code(500).send({ error: 'INTERNAL_ERROR', correlationId })
  }
  const code = (err as { code?: unknown }).code
  const body: Record<string, unknown> = { error: answer.code }
  if (err instanceof InvalidInputError) {
    return reply.code(answer.status).send({ ...body, message: answer.message, issues: err.issues })
  }
  if (err instanceof LoginError) {
    req.log.warn({ err: { code: err.code, message: err.message } }, 'Salesforce login failed')
    body.errorCode = err.error ?? err.code
  } else if (err instanceof SalesforceApiError) {
    // Salesforce refused or failed the call. 502 either way: the caller's request reached us
    // fine; errorCode (REQUIRED_FIELD_MISSING, INVALID_FIELD, ...) says what Salesforce disliked.
    req.log.warn({ status: err.status, errorCode: err.errorCode }, 'Salesforce refused a call')
    body.errorCode = err.errorCode ?? err.code
    body.message = err.errors[0]?.message ?? err.message
    body.fields = err.fields
    return reply.code(answer.status).send({ ...body, correlationId })
  } else if (err instanceof SalesforceError) {
    req.log.warn({ code }, 'Salesforce call failed')
    body.errorCode = code
  } else if (answer.status === 504 || code === 'SHUTTING_DOWN') {
    req.log.warn({ code }, (err as Error).message)
  } else if (answer.status >= 500) {
    req.log.error({ code, msg: (err as Error).message }, 'service unavailable')
  }
  if (answer.message !== undefined) body.message = answer.message
  // A 5xx carries the correlation id, to find the server's log line.
  if (answer.status >= 500) body.correlationId = correlationId
  return reply.code(answer.status).send(body)
}
