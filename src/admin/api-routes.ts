// The admin REST API under /admin/api: JSON in and out, each route one call to the action that
// the dashboard uses too. Errors answer `{ error: { code, message } }` (admin-errors.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { authenticate, authSources } from './session/index.js'
import type { AdminContext } from './admin-context.js'
import type { AdminState } from './admin-state.js'
import {
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  updateChannel,
} from './channels/index.js'
import {
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  pingConnection,
  updateConnection,
} from './connections/index.js'
import {
  createSchedule,
  deleteSchedule,
  getJob,
  listBulkCalls,
  listJobs,
  listSchedules,
  purgeJobs,
  retryJob,
} from './jobs/index.js'
import { listNodes } from './nodes/index.js'
import {
  createSecurity,
  deleteSecurity,
  getSecurity,
  listSecurity,
  updateSecurity,
} from './security/index.js'
import {
  getSubscription,
  listSubscriptions,
  resetSubscription,
  retryDeadLetter,
  setSubscriptionState,
} from './subscriptions/index.js'
import {
  getService,
  getServiceSettings,
  invokeService,
  listServiceFiles,
  listServices,
  updateServiceSettings,
} from './services/index.js'

type Handler = (ctx: AdminContext, actor: string, req: FastifyRequest) => unknown
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

const idParam = z.object({ id: z.string().min(1) })
const nameParam = z.object({ name: z.string().min(1) })
const invokeBody = z.object({ input: z.unknown() }).strict()
const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z.coerce.number().int().optional(),
  action: z.string().optional(),
  actor: z.string().optional(),
})

const bulkJobsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  invocationId: z.string().min(1).optional(),
})

const letterParams = z.object({ name: z.string().min(1), id: z.string().min(1) })

const name = (req: FastifyRequest) => nameParam.parse(req.params).name
const id = (req: FastifyRequest) => idParam.parse(req.params).id

export function apiRoutes(app: FastifyInstance, state: AdminState): void {
  const route = (method: Method, url: string, handler: Handler, status = 200) =>
    app.route({
      method,
      url: `/api${url}`,
      handler: async (req, reply) => {
        const caller = await authenticate(req, authSources(state))
        const result = await handler(state.ctx, caller.actor, req)
        return reply.code(status).send(result ?? { ok: true })
      },
    })

  route('GET', '/connections', (ctx) => listConnections(ctx))
  route('POST', '/connections', (ctx, actor, req) => createConnection(ctx, actor, req.body), 201)
  route('GET', '/connections/:name', (ctx, _a, req) => getConnection(ctx, name(req)))
  route('PATCH', '/connections/:name', (ctx, actor, req) =>
    updateConnection(ctx, actor, name(req), req.body),
  )
  route('DELETE', '/connections/:name', (ctx, actor, req) =>
    deleteConnection(ctx, actor, name(req)),
  )
  route('POST', '/connections/:name/ping', (ctx, _a, req) => pingConnection(ctx, name(req)))
  route('GET', '/connections/:name/usage', async (ctx, _a, req) => ({
    usage: (await getConnection(ctx, name(req))).usage,
  }))

  route('GET', '/services', (ctx) => listServices(ctx))
  route('GET', '/service-files', (ctx) => listServiceFiles(ctx))
  route('GET', '/services/:name', (ctx, _a, req) => getService(ctx, name(req)))
  route('GET', '/services/:name/settings', (ctx, _a, req) => getServiceSettings(ctx, name(req)))
  route('PATCH', '/services/:name/settings', (ctx, actor, req) =>
    updateServiceSettings(ctx, actor, name(req), req.body),
  )
  route('POST', '/services/:name/invoke', (ctx, actor, req) =>
    invokeService(ctx, actor, name(req), invokeBody.parse(req.body).input),
  )

  route('GET', '/channels', (ctx) => listChannels(ctx))
  route('POST', '/channels', (ctx, actor, req) => createChannel(ctx, actor, req.body), 201)
  route('GET', '/channels/:id', (ctx, _a, req) => getChannel(ctx, id(req)))
  route('PATCH', '/channels/:id', (ctx, actor, req) => updateChannel(ctx, actor, id(req), req.body))
  route('DELETE', '/channels/:id', (ctx, actor, req) => deleteChannel(ctx, actor, id(req)))

  route('GET', '/security-definitions', (ctx) => listSecurity(ctx))
  route(
    'POST',
    '/security-definitions',
    (ctx, actor, req) => createSecurity(ctx, actor, req.body),
    201,
  )
  route('GET', '/security-definitions/:id', (ctx, _a, req) => getSecurity(ctx, id(req)))
  route('PATCH', '/security-definitions/:id', (ctx, actor, req) =>
    updateSecurity(ctx, actor, id(req), req.body),
  )
  route('DELETE', '/security-definitions/:id', (ctx, actor, req) =>
    deleteSecurity(ctx, actor, id(req)),
  )

  route('GET', '/jobs', (ctx, _a, req) => listJobs(ctx, req.query))
  route('GET', '/jobs/:id', (ctx, _a, req) => getJob(ctx, id(req)))
  route('POST', '/jobs/:id/retry', (ctx, actor, req) => retryJob(ctx, actor, id(req)))
  route('POST', '/jobs/purge', (ctx, actor, req) => purgeJobs(ctx, actor, req.body))

  route('GET', '/schedules', (ctx) => listSchedules(ctx))
  route('POST', '/schedules', (ctx, actor, req) => createSchedule(ctx, actor, req.body), 201)
  route('DELETE', '/schedules/:name', (ctx, actor, req) => deleteSchedule(ctx, actor, name(req)))

  // Bulk calls of async jobs, tracked so that a restart resumes them (docs/bulk.md).
  route('GET', '/bulk-jobs', (ctx, _a, req) => listBulkCalls(ctx, bulkJobsQuery.parse(req.query)))

  // Event subscriptions (docs/events.md): the same changes as `forcebridge subscription`.
  route('GET', '/subscriptions', (ctx) => listSubscriptions(ctx))
  route('GET', '/subscriptions/:name', (ctx, _a, req) => getSubscription(ctx, name(req)))
  route('POST', '/subscriptions/:name/pause', (ctx, actor, req) =>
    setSubscriptionState(ctx, actor, name(req), 'paused'),
  )
  route('POST', '/subscriptions/:name/resume', (ctx, actor, req) =>
    setSubscriptionState(ctx, actor, name(req), 'active'),
  )
  route('POST', '/subscriptions/:name/reset', (ctx, actor, req) =>
    resetSubscription(ctx, actor, name(req), req.body),
  )
  route('POST', '/subscriptions/:name/dead-letters/:id/retry', (ctx, actor, req) => {
    const p = letterParams.parse(req.params)
    return retryDeadLetter(ctx, actor, p.name, p.id)
  })

  route('GET', '/nodes', (ctx) => listNodes(ctx))

  route('GET', '/audit', (ctx, _a, req) => ctx.store.audit.list(auditQuery.parse(req.query)))
}
