// The admin as one Fastify plugin: the REST API under /admin/api and the dashboard under
// /admin, over the store and the running runtime. Mount it before `listen`:
//   await runtime.http.register(adminPlugin, { store, runtime, log })
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { ServiceSettings, type JobQueue, type SharedState } from '../runtime/index.js'
import type { Store } from '../store/index.js'
import type { AdminContext, AdminRuntime } from './admin-context.js'
import { adminErrorOf } from './admin-errors.js'
import type { AdminState } from './admin-state.js'
import { apiRoutes } from './api-routes.js'
import { sampleUsage } from './connections/index.js'
import { pageRoutes } from './page-routes.js'
import type { ScheduleAdmin } from './schedule-admin.js'
import { lockoutRoutes, sessionRoutes } from './session/index.js'

export interface AdminPluginOptions {
  store: Store
  runtime: AdminRuntime
  log: Logger
  /** The durable queue; without it the job pages and endpoints answer 501. */
  queue?: JobQueue
  /** The scheduler; without it the schedule pages and endpoints answer 501. */
  schedules?: ScheduleAdmin
  /**
   * A bearer token for the CLI and automation (`Authorization: Bearer <token>`), at least 32
   * characters. Default: none, only dashboard sessions.
   */
  apiToken?: string
  /**
   * Sessions, sign-in limits and usage figures. Default: the runtime's (`runtime.sharedState`,
   * where their lifetimes and limits are set: `createRuntime({ sharedState })`).
   */
  sharedState?: Pick<SharedState, 'sessions' | 'signIn' | 'usage'>
  /** Mark the cookie Secure (set it when served over HTTPS). Default false. */
  secureCookie?: boolean
  /** A node whose heartbeat is older than this is listed as gone. Default 30,000 ms. */
  nodeTimeoutMs?: number
  /** How often the API usage of the runtime's clients is sampled. Default 60,000 ms. */
  usageSampleMs?: number
}

export async function adminPlugin(
  app: FastifyInstance,
  options: AdminPluginOptions,
): Promise<void> {
  if (options.apiToken !== undefined && options.apiToken.length < 32) {
    throw new Error('adminPlugin: apiToken must be at least 32 characters')
  }
  const shared = options.sharedState ?? options.runtime.sharedState
  const ctx: AdminContext = {
    store: options.store,
    runtime: options.runtime,
    settings: new ServiceSettings(options.store.settings, () => options.store.revision()),
    log: options.log.child({ part: 'admin' }),
    usage: shared.usage,
    queue: options.queue,
    schedules: options.schedules,
    nodeTimeoutMs: options.nodeTimeoutMs ?? 30_000,
  }
  const state: AdminState = {
    ctx,
    sessions: shared.sessions,
    limiter: shared.signIn,
    apiToken: options.apiToken,
    secureCookie: options.secureCookie ?? false,
  }
  const timer = setInterval(() => {
    ctx.store.connections
      .list()
      .then((list) => sampleUsage(ctx, list))
      .catch((err: unknown) => ctx.log.warn({ err }, 'could not sample API usage'))
  }, options.usageSampleMs ?? 60_000)
  timer.unref()
  app.addHook('onClose', (_app, done) => {
    clearInterval(timer)
    done()
  })

  await app.register(
    (admin, _opts, done) => {
      admin.setErrorHandler((err, req, reply) => {
        const { status, body } = adminErrorOf(err)
        if (status >= 500 && status !== 502 && status !== 501)
          req.log.error({ err }, 'admin API failed')
        return reply.code(status).send(body)
      })
      sessionRoutes(admin, state)
      lockoutRoutes(admin, state)
      apiRoutes(admin, state)
      pageRoutes(admin, state)
      done()
    },
    { prefix: '/admin' },
  )
}
