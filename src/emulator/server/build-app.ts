// Builds the emulator's Fastify app: raw-body parsing, Salesforce's JSON content type and
// pretty printing, error bodies, the API guard, the core routes and the plugged-in features.

import Fastify, { type FastifyInstance } from 'fastify'
import { applyServerLimits, fastifyLimitOptions, type ServerLimits } from '../../util/index.js'
import { ApiError } from '../model/index.js'
import { registerAdminRoutes } from '../faults/admin-routes.js'
import { registerOAuthRoutes } from '../oauth/oauth-routes.js'
import { registerDataRoutes } from '../data/data-routes.js'
import { registerSoapRoutes } from '../soap/soap-routes.js'
import { registerApiGuard, rewriteRequestUrl } from './api-guard.js'
import type { EmulatorContext, Feature } from './emulator-context.js'
import type { EmulatorState } from './emulator-state.js'
import type { BulkOptions } from '../bulk/index.js'
import { features, type FeatureOptions } from './features.js'

const JSON_TYPE = 'application/json;charset=UTF-8'

export interface BuildAppOptions {
  logger: boolean
  /** Timeouts and caps of the listener. */
  limits: ServerLimits
  /** Pace of Bulk job processing. */
  bulk?: BulkOptions
  /** The org file's Apex REST endpoints, handler paths relative to `baseDir`. */
  apexRest?: FeatureOptions['apexRest']
  /** Serve HTTPS with this PEM key and certificate. */
  https?: { key: string; cert: string }
  /** The Pub/Sub feature (REST publishing of platform events). */
  pubsub?: Feature
}

/** A route as registered: its method and Fastify pattern, e.g. `GET /services/data/:version`. */
export interface RouteEntry {
  method: string
  url: string
}

export async function buildApp(
  state: EmulatorState,
  ctx: EmulatorContext,
  opts: BuildAppOptions,
): Promise<{ app: FastifyInstance; routes: RouteEntry[] }> {
  // Over HTTPS Fastify's instance is typed for an https.Server; the routes and hooks are the
  // same, so the app is used through the one FastifyInstance type.
  const limitOptions = fastifyLimitOptions(opts.limits)
  const app = Fastify({
    ...limitOptions,
    // Over HTTPS the server options go with the key and certificate (https.createServer). The
    // header timeout starts only once TLS is up, so a socket that never finishes its handshake
    // is bounded by the same time (Node's default handshakeTimeout is 120 s).
    ...(opts.https
      ? {
          https: {
            ...limitOptions.http,
            handshakeTimeout: opts.limits.headersTimeoutMs,
            ...opts.https,
          },
        }
      : {}),
    logger: opts.logger,
    // One normalised path for routing and every check (normalize-path.ts).
    rewriteUrl: rewriteRequestUrl,
    // Bulk API 2.0 accepts up to 150 MB of data per upload.
    bodyLimit: 160 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    // Salesforce answers 431 for URI plus headers over 16,384 bytes; Node's default is 16 KiB too.
  }) as unknown as FastifyInstance

  applyServerLimits(app.server, opts.limits)

  // Every body arrives as its raw text: routes parse JSON themselves so that bad JSON
  // answers Salesforce's JSON_PARSER_ERROR, the token endpoint reads forms, Bulk reads CSV.
  const routes: RouteEntry[] = []
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url })
  })

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body))

  app.addHook('onSend', async (request, reply, payload) => {
    const type = reply.getHeader('content-type')
    if (typeof type !== 'string' || !type.startsWith('application/json')) return payload
    reply.header('content-type', JSON_TYPE)
    if (request.headers['x-prettyprint'] === '1' && typeof payload === 'string' && payload !== '') {
      return JSON.stringify(JSON.parse(payload), null, 4)
    }
    return payload
  })

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).send(err.toBody())
    const status =
      typeof (err as { statusCode?: unknown }).statusCode === 'number'
        ? (err as { statusCode: number }).statusCode
        : 500
    if (status < 500) {
      return reply.code(status).send([
        {
          message: err instanceof Error ? err.message : String(err),
          errorCode: status === 413 ? 'REQUEST_ENTITY_TOO_LARGE' : 'INVALID_REQUEST',
        },
      ])
    }
    request.log.error({ err }, 'unexpected error in the emulator')
    return reply.code(500).send([
      {
        message: 'An unexpected error occurred in the emulator; see its log.',
        errorCode: 'UNKNOWN_EXCEPTION',
      },
    ])
  })

  app.setNotFoundHandler((_request, reply) =>
    reply
      .code(404)
      .send([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]),
  )

  registerApiGuard(app, state)
  registerOAuthRoutes(app, state)
  registerDataRoutes(app, state, ctx)
  registerSoapRoutes(app, state, ctx)
  registerAdminRoutes(app, state)
  const featureOptions: FeatureOptions = {
    ...(opts.bulk ? { bulk: opts.bulk } : {}),
    ...(opts.apexRest ? { apexRest: opts.apexRest } : {}),
    ...(opts.pubsub ? { pubsub: opts.pubsub } : {}),
  }
  for (const feature of features(featureOptions)) await feature(app, ctx)
  return { app, routes }
}
