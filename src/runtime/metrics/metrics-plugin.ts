// A Fastify plugin serving GET /metrics (Prometheus text), /healthz (the process lives) and
// /readyz (the server can do its work), and counting every answered request by route pattern.
import type { FastifyPluginCallback } from 'fastify'
import type { Metrics } from './create-metrics.js'
import type { Readiness } from './readiness-checks.js'
import { ROUTE_LABEL, routeLabelOf } from './route-label.js'

export interface MetricsPluginOptions {
  /** Whether the server can do its work: the store answers, the services are loaded, ... */
  ready: () => Promise<Readiness>
  /**
   * What /readyz adds under `details` whatever the checks say (e.g. the shared state's backend
   * and whether it is degraded). Must hold no secret.
   */
  details?: () => Record<string, unknown>
}

/** Label of requests that matched no route: one value, whatever URL was asked for. */
const UNMATCHED = 'unmatched'

/**
 * @example
 * await app.register(metricsPlugin(metrics, { ready: readinessChecks({ store: pingStore }) }))
 */
export function metricsPlugin(
  metrics: Metrics,
  options: MetricsPluginOptions,
): FastifyPluginCallback {
  const plugin: FastifyPluginCallback = (app, _options, done) => {
    // Declared, so that every request object has the same shape from its start (see route-label).
    app.decorateRequest(ROUTE_LABEL, undefined)
    // Callback style: an async hook costs a promise per request.
    app.addHook('onResponse', (request, reply, done) => {
      // The route pattern, not the URL: URLs carry ids and would make a series per record.
      const route = routeLabelOf(request) ?? request.routeOptions.url ?? UNMATCHED
      metrics.observeHttp(route, request.method, reply.statusCode, reply.elapsedTime / 1000)
      done()
    })

    app.get('/metrics', async (_request, reply) => {
      const text = await metrics.registry.metrics()
      return reply.header('Cache-Control', 'no-store').type(metrics.registry.contentType).send(text)
    })

    // Liveness only: answering at all is the check. Restarting the process fixes nothing that
    // /readyz reports (a store down, a service file broken), so those do not belong here.
    app.get('/healthz', async (_request, reply) =>
      reply.header('Cache-Control', 'no-store').send({ status: 'ok' }),
    )

    app.get('/readyz', async (_request, reply) => {
      let readiness: Readiness
      try {
        readiness = await options.ready()
      } catch (err) {
        readiness = {
          ok: false,
          checks: { ready: `failed: ${err instanceof Error ? err.message : String(err)}` },
        }
      }
      return reply
        .code(readiness.ok ? 200 : 503)
        .header('Cache-Control', 'no-store')
        .send({
          status: readiness.ok ? 'ready' : 'not ready',
          checks: readiness.checks,
          ...(options.details ? { details: options.details() } : {}),
        })
    })
    done()
  }
  // Fastify's documented opt-out of encapsulation (what fastify-plugin sets): the hook must see
  // the routes of the whole server, not only those registered inside this plugin.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true })
  return plugin
}
