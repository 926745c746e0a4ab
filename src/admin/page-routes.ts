// The dashboard's pages under /admin: server-rendered HTML that reads through the same actions
// as the API; every change on a page is a fetch to the admin API (src/admin/assets/admin.js).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { ForcebridgeError, hasCode } from '../util/index.js'
import type { AdminSession } from '../runtime/index.js'
import {
  authSources,
  listLockouts,
  liveSession,
  lockoutSection,
  signInForm,
} from './session/index.js'
import type { AdminState } from './admin-state.js'
import { readDashboardAssets } from './dashboard-assets.js'
import { channelForm, channelPage, getChannel, listChannels } from './channels/index.js'
import {
  connectionDetail,
  connectionForm,
  connectionList,
  getConnection,
  listConnections,
  usagePanel,
} from './connections/index.js'
import { html, layout, type Html } from './html/index.js'
import { auditPage } from './audit/index.js'
import {
  getJob,
  jobDetail,
  jobList,
  listBulkCalls,
  listJobs,
  listSchedules,
  schedulePage,
} from './jobs/index.js'
import {
  getService,
  getServiceSettings,
  listServiceFiles,
  listServices,
  serviceDetail,
  serviceList,
} from './services/index.js'
import { getSecurity, securityEdit } from './security/index.js'
import { listNodes, nodeList } from './nodes/index.js'
import { subscriptionDetail, subscriptionList } from './subscriptions/index.js'

// The pages load only their own CSS and script, so everything else is refused; no inline
// script or style can run even if some text escaped the escaping.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('Content-Security-Policy', CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Frame-Options', 'DENY')
    .header('Cache-Control', 'no-store')
}

type Page = (
  req: FastifyRequest,
  session: AdminSession,
) => Promise<{ title: string; nav: string; body: Html }>

const nameParam = z.object({ name: z.string().min(1) })
const idParam = z.object({ id: z.string().min(1) })
const jobQuery = z.object({
  state: z.string().optional(),
  service: z.string().optional(),
  cursor: z.string().optional(),
})
const auditQuery = z.object({ before: z.coerce.number().int().optional() })

export function pageRoutes(app: FastifyInstance, state: AdminState): void {
  const { ctx } = state
  const assets = readDashboardAssets()
  const page = (url: string, render: Page) =>
    app.get(url, async (req, reply) => {
      const session = await liveSession(req, authSources(state))
      if (session === undefined || 'ended' in session)
        return secure(reply).redirect('/admin/sign-in', 303)
      try {
        const { title, nav, body } = await render(req, session)
        const text = layout({ title, nav, user: session.user, csrfToken: session.csrfToken }, body)
        return secure(reply).type('text/html; charset=utf-8').send(text)
      } catch (err) {
        // A missing connection, job or service: a page that says so, not a bare JSON error.
        if (
          err instanceof Error &&
          'code' in err &&
          /(_NOT_FOUND|_NOT_CONFIGURED)$/.test(String(err.code))
        ) {
          const text = layout(
            { title: 'Not available', user: session.user, csrfToken: session.csrfToken },
            unavailable(err.message),
          )
          return secure(reply)
            .code(
              hasCode(err, 'QUEUE_NOT_CONFIGURED') || hasCode(err, 'SCHEDULER_NOT_CONFIGURED')
                ? 200
                : 404,
            )
            .type('text/html; charset=utf-8')
            .send(text)
        }
        throw err
      }
    })

  app.get('/assets/admin.css', (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'no-cache').send(assets.styles),
  )
  app.get('/assets/admin.js', (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'no-cache')
      .send(assets.script),
  )
  app.get('/', (_req, reply) => reply.redirect('/admin/connections', 303))
  app.get('/sign-in', (_req, reply) =>
    secure(reply)
      .type('text/html; charset=utf-8')
      .send(layout({ title: 'Sign in' }, signInForm())),
  )

  page('/connections', async () => ({
    title: 'Connections',
    nav: 'connections',
    body: connectionList(await listConnections(ctx)),
  }))
  page('/connections/new', () =>
    Promise.resolve({
      title: 'New connection',
      nav: 'connections',
      body: connectionForm(undefined),
    }),
  )
  page('/connections/:name', async (req) => {
    const c = await getConnection(ctx, nameParam.parse(req.params).name)
    return { title: c.name, nav: 'connections', body: connectionDetail(c) }
  })
  // The usage panel alone, fetched again by the page after a Ping (src/admin/assets/admin.js, refresh).
  app.get('/connections/:name/usage-panel', async (req, reply) => {
    const session = await liveSession(req, authSources(state))
    if (session === undefined || 'ended' in session) {
      return secure(reply).code(401).type('text/html; charset=utf-8').send('sign in first')
    }
    const c = await getConnection(ctx, nameParam.parse(req.params).name)
    return secure(reply).type('text/html; charset=utf-8').send(usagePanel(c).text)
  })
  page('/connections/:name/edit', async (req) => {
    const c = await getConnection(ctx, nameParam.parse(req.params).name)
    return { title: `Edit ${c.name}`, nav: 'connections', body: connectionForm(c) }
  })

  page('/services', () =>
    Promise.resolve({
      title: 'Services',
      nav: 'services',
      body: serviceList(listServices(ctx), listServiceFiles(ctx)),
    }),
  )
  page('/services/:name', async (req) => {
    const s = getService(ctx, nameParam.parse(req.params).name)
    const settings = await getServiceSettings(ctx, s.name)
    return { title: s.name, nav: 'services', body: serviceDetail(s, settings) }
  })

  const serviceNames = () => listServices(ctx).map((s) => s.name)
  page('/channels', async () => ({
    title: 'Channels and security',
    nav: 'channels',
    body: channelPage(await listChannels(ctx), await ctx.store.security.list(), serviceNames()),
  }))
  page('/channels/:id/edit', async (req) => {
    const channel = await getChannel(ctx, idParam.parse(req.params).id)
    return {
      title: `Edit ${channel.method} ${channel.path}`,
      nav: 'channels',
      body: channelForm(await ctx.store.security.list(), serviceNames(), channel),
    }
  })

  page('/security-definitions/:id/edit', async (req) => {
    const def = await getSecurity(ctx, idParam.parse(req.params).id)
    return { title: `Edit ${def.name}`, nav: 'channels', body: securityEdit(def) }
  })

  page('/nodes', async () => ({
    title: 'Nodes',
    nav: 'nodes',
    body: nodeList(await listNodes(ctx)),
  }))

  page('/jobs', async (req) => {
    const q = jobQuery.parse(req.query)
    const filter: { state?: string; service?: string } = {}
    if (q.state) filter.state = q.state
    if (q.service) filter.service = q.service
    return { title: 'Jobs', nav: 'jobs', body: jobList(await listJobs(ctx, q), filter) }
  })
  page('/jobs/:id', async (req) => {
    const job = await getJob(ctx, idParam.parse(req.params).id)
    const bulkCalls = (await listBulkCalls(ctx, { invocationId: job.id, limit: 1000 })).reverse()
    return { title: `Job ${job.id.slice(0, 8)}`, nav: 'jobs', body: jobDetail(job, bulkCalls) }
  })
  page('/schedules', async () => ({
    title: 'Schedules',
    nav: 'schedules',
    body: schedulePage(await listSchedules(ctx), serviceNames()),
  }))
  page('/subscriptions', async () => ({
    title: 'Event subscriptions',
    nav: 'subscriptions',
    body: subscriptionList(await ctx.store.subscriptions.list()),
  }))
  page('/subscriptions/:name', async (req) => {
    const name = nameParam.parse(req.params).name
    const s = await ctx.store.subscriptions.find(name)
    if (!s) {
      throw new ForcebridgeError('SUBSCRIPTION_NOT_FOUND', `no subscription for service '${name}'`)
    }
    return {
      title: s.service,
      nav: 'subscriptions',
      body: subscriptionDetail(s, await ctx.store.deadLetters.list(name)),
    }
  })
  page('/audit', async (req) => ({
    title: 'Audit log',
    nav: 'audit',
    // Lock-outs first: an admin looking for why someone cannot sign in finds them here.
    body: html`${lockoutSection(await listLockouts(state))}
      <h2>Changes</h2>
      ${auditPage(await ctx.store.audit.list(auditQuery.parse(req.query)))}`,
  }))
}

/** A page body saying that a part of the dashboard is not available here, and why. */
export function unavailable(message: string): Html {
  return html`<p class="muted">${message}</p>`
}
