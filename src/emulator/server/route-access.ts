// Who may call which route: the one list of endpoints reachable without an API session.
// Every other route is closed by default: it needs a valid session (or the admin token).

import { PATHS } from '../setup/pages.js'

/**
 * - `public`: no credentials at all (the endpoint itself is how one obtains them);
 * - `own`: the route checks a credential of its own (a bearer token answered with
 *   Salesforce's `Bad_OAuth_Token`, or the Setup pages' cookie session);
 * - `admin`: `/__emulator/...`, open on a loopback address, otherwise needs the admin token;
 * - `session`: everything else: a valid API session, counted against the limits, with
 *   fault injection;
 * - `async`: Bulk API 1.0 under `/services/async/`: the same, with the session in the
 *   `X-SFDC-Session` header and Bulk 1.0's error shape.
 */
export type RouteAccess = 'public' | 'own' | 'admin' | 'session' | 'async'

interface OpenEndpoint {
  methods: readonly string[]
  /** The route as registered (Fastify's pattern). */
  url: string
  access: 'public' | 'own'
  why: string
}

/** The endpoints reachable without an API session. Adding one here is a security decision. */
export const OPEN_ENDPOINTS: readonly OpenEndpoint[] = [
  { methods: ['POST'], url: '/services/oauth2/token', access: 'public', why: 'OAuth token' },
  {
    methods: ['GET', 'POST'],
    url: '/services/oauth2/authorize',
    access: 'public',
    why: 'OAuth web-server flow: login and consent pages',
  },
  {
    methods: ['GET', 'POST'],
    url: '/services/oauth2/revoke',
    access: 'public',
    why: 'revoking needs only the token being revoked',
  },
  {
    methods: ['POST'],
    url: '/services/oauth2/introspect',
    access: 'public',
    why: 'the connected app authenticates in the form',
  },
  {
    methods: ['GET'],
    url: '/services/data',
    access: 'public',
    why: 'API versions list, served without authentication (salesforce-api.md §2.1)',
  },
  { methods: ['GET'], url: '/services/oauth2/userinfo', access: 'own', why: 'bearer token' },
  ...['/services/Soap/u/:version', '/services/Soap/u/:version/:org'].map((url) => ({
    methods: ['POST'],
    url,
    access: 'own' as const,
    why: 'SOAP API: login carries the credentials in its body; every other call checks its SessionHeader',
  })),
  { methods: ['GET'], url: '/id/:org/:user', access: 'own', why: 'identity URL, bearer token' },
  { methods: ['GET'], url: '/', access: 'public', why: 'redirects to the Setup login page' },
  { methods: ['GET', 'POST'], url: PATHS.login, access: 'public', why: 'Setup login page' },
  ...Object.entries(PATHS)
    .filter(([name]) => name !== 'login')
    .map(([, url]) => ({
      methods: ['GET', 'POST'],
      url,
      access: 'own' as const,
      why: 'Setup page, behind the Setup login cookie',
    })),
]

const byRoute = new Map<string, 'public' | 'own'>()
for (const e of OPEN_ENDPOINTS) for (const m of e.methods) byRoute.set(`${m} ${e.url}`, e.access)

/**
 * The access rule of a request, from the route the router matched (undefined when none did)
 * and the normalised path. Unmatched paths under `/services/data/` still need a session, so
 * that an unknown resource answers 401 before 404 as Salesforce does; unmatched paths under
 * `/__emulator/` need the admin token, so the admin API cannot be mapped without it.
 */
export function routeAccess(
  method: string,
  route: string | undefined,
  path: string,
): RouteAccess | 'unmatched' {
  if (route === undefined) {
    if (/^\/services\/data\/[^/]/.test(path)) return 'session'
    if (path.startsWith('/services/async/')) return 'async'
    if (path === '/__emulator' || path.startsWith('/__emulator/')) return 'admin'
    return 'unmatched'
  }
  if (route === '/__emulator' || route.startsWith('/__emulator/')) return 'admin'
  if (route.startsWith('/services/async/')) return 'async'
  return byRoute.get(`${method === 'HEAD' ? 'GET' : method} ${route}`) ?? 'session'
}
