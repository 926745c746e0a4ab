// `/services/oauth2/authorize`, the browser half of the web-server flow: a login page, then a
// consent page ("Allow Access?") listing the scopes the app asks for; Allow redirects to the
// app's callback with `code` and `state`, Deny with `error=access_denied`.
import { randomBytes } from 'node:crypto'

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

/** A signed-in user's pending decision, kept until they click Allow or Deny (10 minutes). */
interface PendingConsent {
  username: string
  params: AuthorizeParams
  expires: number
}

const CONSENT_TTL_MS = 10 * 60_000

function consentPage(
  reply: FastifyReply,
  app: ConnectedAppConfig,
  ticket: string,
  scope: string | undefined,
): FastifyReply {
  // Salesforce lists the scopes asked for; without `scope` the app's configured ones apply.
  const scopes = (scope ?? 'api refresh_token').split(/\s+/).filter(Boolean)
  return page(
    reply,
    200,
    `<h1>Allow Access?</h1><p>${escape(app.name)} is asking to:</p>` +
      `<ul id="scopes">${scopes.map((s) => `<li>${escape(s)}</li>`).join('')}</ul>` +
      `<form method="post" action="/services/oauth2/authorize">` +
      `<input type="hidden" name="consent_ticket" value="${ticket}">` +
      `<button id="oaapprove" name="consent" value="allow" type="submit">Allow</button>` +
      `<button id="oadeny" name="consent" value="deny" type="submit">Deny</button></form>`,
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

/**
 * A request the app's callback must hear about (redirected with `error`), or undefined. RFC 7636
 * knows the methods S256 and plain; [B] Salesforce's words for another one.
 */
function requestProblem(params: AuthorizeParams): Record<string, string> | undefined {
  if (params.response_type !== 'code') {
    return { error: 'unsupported_response_type', error_description: 'response type not supported' }
  }
  const method = params.code_challenge_method
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return { error: 'invalid_request', error_description: 'invalid code_challenge_method' }
  }
  return undefined
}

export function registerAuthorizeRoutes(app: FastifyInstance, state: EmulatorState): void {
  const pending = new Map<string, PendingConsent>()
  app.get('/services/oauth2/authorize', (request, reply) => {
    const params = request.query as AuthorizeParams
    const client = checkClient(state, params, reply)
    if (!('consumerKey' in client)) return client
    const problem = requestProblem(params)
    if (problem) return redirect(reply, params.redirect_uri!, { ...problem, state: params.state })
    return loginForm(reply, client, params)
  })

  app.post('/services/oauth2/authorize', (request, reply) => {
    const form: AuthorizeParams = Object.fromEntries(
      new URLSearchParams(typeof request.body === 'string' ? request.body : ''),
    )
    if (form.consent_ticket !== undefined) return decide(form, reply)
    const params = form
    const client = checkClient(state, params, reply)
    if (!('consumerKey' in client)) return client
    // The login form is posted with the hidden parameters of the GET: check them again.
    const problem = requestProblem(params)
    if (problem) return redirect(reply, params.redirect_uri!, { ...problem, state: params.state })
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
    const now = Date.now()
    for (const [t, p] of pending) if (p.expires < now) pending.delete(t)
    const ticket = randomBytes(18).toString('base64url')
    pending.set(ticket, { username: user.username, params, expires: now + CONSENT_TTL_MS })
    return consentPage(reply, client, ticket, params.scope)
  })

  /** The user's click on the consent page: a code for Allow, access_denied for Deny. */
  function decide(form: AuthorizeParams, reply: FastifyReply): FastifyReply {
    const ticket = form.consent_ticket ?? ''
    const consent = pending.get(ticket)
    pending.delete(ticket) // one decision per sign-in
    if (!consent || consent.expires < Date.now()) {
      return page(
        reply,
        400,
        '<h1>error=invalid_request</h1><p>the sign-in expired; start again</p>',
      )
    }
    const { params, username } = consent
    const client = checkClient(state, params, reply)
    if (!('consumerKey' in client)) return client
    if (form.consent !== 'allow') {
      return redirect(reply, params.redirect_uri!, {
        error: 'access_denied',
        error_description: 'end-user denied authorization',
        state: params.state,
      })
    }
    // [B] Without a method the challenge is read as S256: Salesforce documents code_challenge
    // as "the SHA256 hash value of the code_verifier" (RFC 7636's default would be plain).
    const method = params.code_challenge_method === 'plain' ? 'plain' : 'S256'
    const code = state.authCodes.issue({
      appId: client.consumerKey,
      username,
      redirectUri: params.redirect_uri!,
      challenge: params.code_challenge,
      method,
    })
    return redirect(reply, params.redirect_uri!, { code, state: params.state })
  }
}
