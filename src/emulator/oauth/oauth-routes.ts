// The OAuth endpoints: token, revoke, userinfo and the identity URL (salesforce-api.md §1).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { setTimeout as sleep } from 'node:timers/promises'
import { sendFault } from '../faults/send-fault.js'
import type { EmulatorState } from '../server/emulator-state.js'
import type { Session } from '../server/emulator-context.js'
import { registerAuthorizeRoutes } from './authorize-routes.js'
import { authorizationCodeGrant } from './authorization-code-grant.js'
import { clientCredentialsGrant } from './client-credentials-grant.js'
import { jwtBearerGrant } from './jwt-bearer-grant.js'
import { OAuthFailure, unsupportedGrant } from './oauth-failure.js'
import { passwordGrant } from './password-grant.js'
import { refreshTokenGrant } from './refresh-token-grant.js'
import { readTokenParams } from './token-params.js'
import { identityBody, userInfoBody } from './identity-body.js'
import { introspectBody } from './introspect-body.js'

function sendOAuthError(reply: FastifyReply, failure: OAuthFailure): FastifyReply {
  return reply
    .code(failure.status)
    .header('cache-control', 'no-store')
    .header('content-type', 'application/json;charset=UTF-8')
    .send({ error: failure.error, error_description: failure.description })
}

async function grant(
  state: EmulatorState,
  request: FastifyRequest,
): Promise<Record<string, string>> {
  const params = readTokenParams(request)
  // A JSON or otherwise non-form body is answered like an unknown grant type (§1.2).
  if (!params) throw unsupportedGrant()
  const body = await grantOf(state, params, request)
  // Counted once granted: a test can tell which flow a client really used.
  const type = params.grant_type ?? ''
  state.stats.grants.set(type, (state.stats.grants.get(type) ?? 0) + 1)
  return body
}

function grantOf(
  state: EmulatorState,
  params: NonNullable<ReturnType<typeof readTokenParams>>,
  request: FastifyRequest,
): Promise<Record<string, string>> | Record<string, string> {
  switch (params.grant_type) {
    case 'password':
      return passwordGrant(state, params, request)
    case 'client_credentials':
      return clientCredentialsGrant(state, params)
    case 'urn:ietf:params:oauth:grant-type:jwt-bearer':
      return jwtBearerGrant(state, params)
    case 'refresh_token':
      return refreshTokenGrant(state, params)
    case 'authorization_code':
      return authorizationCodeGrant(state, params)
    default:
      throw unsupportedGrant()
  }
}

function bearerSession(state: EmulatorState, request: FastifyRequest): Session | undefined {
  const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(request.headers.authorization?.trim() ?? '')
  return m ? state.sessions.use(m[1]!) : undefined
}

// [B] The identity service answers a bad token with 403 and the text `Bad_OAuth_Token`.
const badToken = (reply: FastifyReply) =>
  reply.code(403).header('content-type', 'text/plain;charset=UTF-8').send('Bad_OAuth_Token')

export function registerOAuthRoutes(app: FastifyInstance, state: EmulatorState): void {
  registerAuthorizeRoutes(app, state)
  app.post('/services/oauth2/token', async (request, reply) => {
    state.stats.tokenRequests++
    if (state.faults.includeOAuth) {
      const delay = state.faults.latency()
      if (delay > 0) await sleep(delay)
      const fault = state.faults.pick(false)
      if (fault) return sendFault(fault, request, reply)
    }
    try {
      const body = await grant(state, request)
      return reply
        .header('cache-control', 'no-cache,must-revalidate,max-age=0,no-store,private')
        .send(body)
    } catch (err) {
      if (err instanceof OAuthFailure) return sendOAuthError(reply, err)
      throw err
    }
  })

  const revoke = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = readTokenParams(request) ?? {}
    if (params.token && state.sessions.revoke(params.token)) return reply.code(200).send()
    // [B] jsforce reads revoke errors as a form-encoded body, so the emulator answers one.
    return reply
      .code(400)
      .header('content-type', 'application/x-www-form-urlencoded')
      .send('error=unsupported_token_type&error_description=this+token+type+is+not+supported')
  }
  app.post('/services/oauth2/revoke', revoke)
  app.get('/services/oauth2/revoke', revoke)

  app.post('/services/oauth2/introspect', (request, reply) => {
    try {
      return reply
        .header('cache-control', 'no-store')
        .send(introspectBody(state, readTokenParams(request) ?? {}))
    } catch (err) {
      if (err instanceof OAuthFailure) return sendOAuthError(reply, err)
      throw err
    }
  })

  app.get('/services/oauth2/userinfo', async (request, reply) => {
    const session = bearerSession(state, request)
    if (!session) return badToken(reply)
    return userInfoBody(state, session)
  })

  app.get<{ Params: { org: string; user: string } }>('/id/:org/:user', async (request, reply) => {
    const session = bearerSession(state, request)
    if (!session || request.params.org.slice(0, 15) !== state.orgId.slice(0, 15))
      return badToken(reply)
    const body = identityBody(
      state,
      request.params.user,
      (request.query as { version?: string }).version,
    )
    return (
      body ??
      reply
        .code(404)
        .send([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }])
    )
  })
}
