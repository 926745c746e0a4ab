// Routes of the Setup pages: cookie login, Setup home, App Manager, creating and viewing
// connected apps (whose key and secret then work at the token endpoint), and the org's
// "Allow OAuth Username-Password Flows" switch. Every form carries a CSRF token.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  defaultApiName,
  newCredentials,
  readAppForm,
  validateAppForm,
} from './connected-app-form.js'
import { esc, page } from './html.js'
import { scopeTokens } from './oauth-scopes.js'
import {
  appDetailPage,
  appManagerPage,
  consumerDetailsPage,
  emptyApp,
  loginPage,
  newAppPage,
  oauthSettingsPage,
  PATHS,
  setupHomePage,
  type AppView,
} from './pages.js'
import type { OAuthFlow, SetupBackend } from './setup-backend.js'
import {
  cookie,
  randomToken,
  readCookie,
  sameSecret,
  SESSION_COOKIE,
  UiSessions,
  type UiSession,
} from './ui-sessions.js'

const LOGIN_CSRF_COOKIE = 'fb_setup_login'

/** Details the org's connected app list does not hold (Setup form fields). */
interface AppDetails {
  apiName: string
  contactEmail: string
  oauthEnabled: boolean
  callbackUrl: string
  createdDate: string
}

function html(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-security-policy',
      "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    )
    .type('text/html; charset=utf-8')
    .send(body)
}

function form(request: FastifyRequest): URLSearchParams {
  const body: unknown = request.body
  return new URLSearchParams(typeof body === 'string' ? body : '')
}

/** Only a local path may follow the login (no open redirect to another host). */
function safeStart(url: string | null | undefined): string {
  return url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')
    ? url
    : PATHS.home
}

export function registerSetupPages(
  app: FastifyInstance,
  backend: SetupBackend,
  now: () => Date,
): void {
  const sessions = new UiSessions()
  const details = new Map<string, AppDetails>()

  const views = (): AppView[] =>
    backend.connectedApps().map((a) => {
      const d = details.get(a.consumerKey)
      return {
        name: a.name,
        apiName: d?.apiName ?? defaultApiName(a.name),
        contactEmail: d?.contactEmail ?? '',
        oauthEnabled: d?.oauthEnabled ?? a.flows.length > 0,
        callbackUrl: d?.callbackUrl ?? '',
        scopes: a.scopes,
        flows: a.flows,
        createdDate: d?.createdDate ?? '',
        consumerKey: a.consumerKey,
        consumerSecret: a.consumerSecret,
      }
    })

  const current = (request: FastifyRequest): UiSession | undefined =>
    sessions.get(readCookie(request.headers.cookie, SESSION_COOKIE))

  const toLogin = (request: FastifyRequest, reply: FastifyReply) =>
    reply.redirect(`${PATHS.login}?startURL=${encodeURIComponent(request.url)}`, 302)

  /** The session of a page request, or undefined after redirecting to the login page. */
  const requireUser = (request: FastifyRequest, reply: FastifyReply): UiSession | undefined => {
    const session = current(request)
    if (session === undefined) void toLogin(request, reply)
    return session
  }

  /** Like requireUser, and the posted form must carry the session's CSRF token. */
  const requirePost = (
    request: FastifyRequest,
    reply: FastifyReply,
  ): { session: UiSession; fields: URLSearchParams } | undefined => {
    const session = requireUser(request, reply)
    if (session === undefined) return undefined
    const fields = form(request)
    if (!sameSecret(fields.get('_csrf') ?? undefined, session.csrf)) {
      void html(
        reply,
        page(
          'Forbidden',
          '<h1>This form has expired</h1><p>Reload the page and submit it again.</p>',
        ),
        403,
      )
      return undefined
    }
    return { session, fields }
  }

  const appByApiName = (name: string | undefined) =>
    views().find((a) => a.apiName.toLowerCase() === (name ?? '').toLowerCase())

  app.get('/', async (request, reply) =>
    reply.redirect(current(request) ? PATHS.home : PATHS.login, 302),
  )

  app.get<{ Querystring: { startURL?: string } }>(PATHS.login, async (request, reply) => {
    if (current(request)) return reply.redirect(safeStart(request.query.startURL), 302)
    const csrf = randomToken()
    reply.header('set-cookie', cookie(LOGIN_CSRF_COOKIE, csrf))
    return html(reply, loginPage({ csrf, startUrl: safeStart(request.query.startURL) }))
  })

  app.post(PATHS.login, async (request, reply) => {
    const fields = form(request)
    const startUrl = safeStart(fields.get('startURL'))
    const username = fields.get('username') ?? ''
    if (
      !sameSecret(
        fields.get('_csrf') ?? undefined,
        readCookie(request.headers.cookie, LOGIN_CSRF_COOKIE),
      )
    ) {
      const csrf = randomToken()
      reply.header('set-cookie', cookie(LOGIN_CSRF_COOKIE, csrf))
      return html(
        reply,
        loginPage({
          csrf,
          startUrl,
          username,
          error: 'The login form expired. Enter your password again.',
        }),
        403,
      )
    }
    const user = backend.checkLogin(username, fields.get('password') ?? '')
    if (user === undefined) {
      const csrf = randomToken()
      reply.header('set-cookie', cookie(LOGIN_CSRF_COOKIE, csrf))
      return html(
        reply,
        loginPage({
          csrf,
          startUrl,
          username,
          error:
            "Please check your username and password. If you still can't log in, contact your Salesforce administrator.",
        }),
      )
    }
    const { id } = sessions.create(user.userId, user.username)
    reply.header('set-cookie', [cookie(SESSION_COOKIE, id), cookie(LOGIN_CSRF_COOKIE, '', 0)])
    return reply.redirect(startUrl, 303)
  })

  app.post(PATHS.logout, async (request, reply) => {
    const posted = requirePost(request, reply)
    if (posted === undefined) return reply
    sessions.end(readCookie(request.headers.cookie, SESSION_COOKIE))
    reply.header('set-cookie', cookie(SESSION_COOKIE, '', 0))
    return reply.redirect(PATHS.login, 303)
  })

  app.get<{ Querystring: { q?: string } }>(PATHS.home, async (request, reply) => {
    const session = requireUser(request, reply)
    if (session === undefined) return reply
    return html(reply, setupHomePage(session, request.query.q ?? ''))
  })

  app.get<{ Querystring: { created?: string } }>(PATHS.appManager, async (request, reply) => {
    const session = requireUser(request, reply)
    if (session === undefined) return reply
    const created = request.query.created
    return html(
      reply,
      appManagerPage(
        session,
        views(),
        created === undefined ? undefined : `Connected app ${created} saved.`,
      ),
    )
  })

  app.get(PATHS.newApp, async (request, reply) => {
    const session = requireUser(request, reply)
    if (session === undefined) return reply
    return html(reply, newAppPage(session, emptyApp, []))
  })

  app.post(PATHS.newApp, async (request, reply) => {
    const posted = requirePost(request, reply)
    if (posted === undefined) return reply
    const { session, fields } = posted
    const values = readAppForm(fields)
    const existing = views()
    const errors = validateAppForm(values, {
      names: new Set(existing.map((a) => a.name.toLowerCase())),
      apiNames: new Set(existing.map((a) => a.apiName.toLowerCase())),
    })
    // A form with mistakes is shown again with 200, as a server-rendered form page is.
    if (errors.length > 0) return html(reply, newAppPage(session, values, errors))
    const credentials = newCredentials()
    // An app with OAuth enabled takes the username-password, web-server and refresh flows;
    // the org setting still decides whether the username-password flow is allowed.
    const flows: OAuthFlow[] = values.oauthEnabled
      ? ['password', 'authorization_code', 'refresh_token']
      : []
    if (values.oauthEnabled && values.clientCredentials) flows.push('client_credentials')
    backend.addConnectedApp({
      name: values.name,
      ...credentials,
      flows,
      scopes: values.oauthEnabled ? scopeTokens(values.scopes) : [],
      ...(values.oauthEnabled && values.clientCredentials ? { runAs: session.username } : {}),
    })
    details.set(credentials.consumerKey, {
      apiName: values.apiName,
      contactEmail: values.contactEmail,
      oauthEnabled: values.oauthEnabled,
      callbackUrl: values.callbackUrl,
      createdDate: now().toISOString(),
    })
    return reply.redirect(`${PATHS.appManager}?created=${encodeURIComponent(values.apiName)}`, 303)
  })

  const appPage =
    (render: (session: UiSession, app: AppView) => string) =>
    async (request: FastifyRequest<{ Querystring: { app?: string } }>, reply: FastifyReply) => {
      const session = requireUser(request, reply)
      if (session === undefined) return reply
      const found = appByApiName(request.query.app)
      if (found === undefined) {
        return html(
          reply,
          page(
            'Not found',
            `<h1>No connected app named ${esc(request.query.app ?? '')}</h1><p><a href="${PATHS.appManager}">Back to App Manager</a></p>`,
            session,
          ),
          404,
        )
      }
      return html(reply, render(session, found))
    }
  app.get(PATHS.appDetail, appPage(appDetailPage))
  app.get(PATHS.consumerDetails, appPage(consumerDetailsPage))

  app.get<{ Querystring: { saved?: string } }>(PATHS.oauthSettings, async (request, reply) => {
    const session = requireUser(request, reply)
    if (session === undefined) return reply
    const notice = request.query.saved === undefined ? undefined : 'Your settings were saved.'
    return html(reply, oauthSettingsPage(session, backend.usernamePasswordFlowAllowed(), notice))
  })

  app.post(PATHS.oauthSettings, async (request, reply) => {
    const posted = requirePost(request, reply)
    if (posted === undefined) return reply
    backend.setUsernamePasswordFlowAllowed(posted.fields.get('allowUsernamePasswordFlows') === '1')
    return reply.redirect(`${PATHS.oauthSettings}?saved=1`, 303)
  })
}
