// `/services/oauth2/authorize`, the browser half of the web-server flow: a login page that,
// once the user signs in, redirects to the app's callback with `code` and `state`. The
// emulator approves the app's scopes without a separate consent page.

import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ConnectedAppConfig } from '../org/org-file.js'
import type { EmulatorState } from '../server/emulator-state.js'

type AuthorizeParams = Record<string, string | undefined>

const PASSED_ON = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'scope',
  'code_challenge',
  'code_challenge_method',
]

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html;charset=UTF-8')
    .send(
      `<!DOCTYPE html><html><head><title>Login | Salesforce</title></head><body>${body}</body></html>`,
    )
}

function loginForm(
  reply: FastifyReply,
  app: ConnectedAppConfig,
  params: AuthorizeParams,
  error?: string,
): FastifyReply {
  const hidden = PASSED_ON.filter((k) => params[k] !== undefined)
    .map((k) => `<input type="hidden" name="${k}" value="${escape(params[k]!)}">`)
    .join('')
  return page(
    reply,
    error ? 401 : 200,
    `<h1>Log in to allow ${escape(app.name)}</h1>${error ? `<p role="alert" id="error">${escape(error)}</p>` : ''}` +
      `<form method="post" action="/services/oauth2/authorize">${hidden}` +
      `<label>Username <input id="username" name="username" autocomplete="username"></label>` +
      `<label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label>` +
      `<button id="Login" type="submit">Log In</button></form>`,
  )
}

function redirect(
  reply: FastifyReply,
  uri: string,
  query: Record<string, string | undefined>,
): FastifyReply {
  const url = new URL(uri)
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v)
  return reply.redirect(url.toString(), 302)
}

/** The app and a checked redirect URI, or an error page (never redirect to an unchecked URI). */
function checkClient(
  state: EmulatorState,
  params: AuthorizeParams,
  reply: FastifyReply,
): ConnectedAppConfig | FastifyReply {
  const app = params.client_id === undefined ? undefined : state.apps.get(params.client_id)
  if (!app || !app.flows.includes('authorization_code')) {
    return page(reply, 400, '<h1>error=invalid_client_id</h1><p>client identifier invalid</p>')
  }
  const uri = params.redirect_uri ?? ''
  const allowed = app.callbackUrls ?? []
  if (!/^https?:\/\//.test(uri) || (allowed.length > 0 && !allowed.includes(uri))) {
    return page(
      reply,
      400,
      '<h1>error=redirect_uri_mismatch</h1><p>redirect_uri must match configuration</p>',
    )
  }
  return app
}

export function registerAuthorizeRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get('/services/oauth2/authorize', (request, reply) => {
    const params = request.query as AuthorizeParams
    const client = checkClient(state, params, reply)
    if (!('consumerKey' in client)) return client
    if (params.response_type !== 'code') {
      return redirect(reply, params.redirect_uri!, {
        error: 'unsupported_response_type',
        error_description: 'response type not supported',
        state: params.state,
      })
    }
    return loginForm(reply, client, params)
  })

  app.post('/services/oauth2/authorize', (request, reply) => {
    const params: AuthorizeParams = Object.fromEntries(
      new URLSearchParams(typeof request.body === 'string' ? request.body : ''),
    )
    const client = checkClient(state, params, reply)
    if (!('consumerKey' in client)) return client
    const user = state.users.get((params.username ?? '').trim().toLowerCase())
    if (!user || user.password !== params.password) {
      return loginForm(
        reply,
        client,
        params,
        "Please check your username and password. If you still can't log in, contact your Salesforce administrator.",
      )
    }
    if (!user.active)
      return loginForm(
        reply,
        client,
        params,
        'Your user is inactive; contact your Salesforce administrator.',
      )
    const method = params.code_challenge_method === 'plain' ? 'plain' : 'S256'
    const code = state.authCodes.issue({
      appId: client.consumerKey,
      username: user.username,
      redirectUri: params.redirect_uri!,
      challenge: params.code_challenge,
      method,
    })
    return redirect(reply, params.redirect_uri!, { code, state: params.state })
  })
}
