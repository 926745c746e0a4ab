// What the fuzzer aims at: the routes of the runtime (channels, jobs, OpenAPI, health, admin API
// and dashboard) and of the emulator (REST, OAuth, Bulk 2.0 and 1.0, SOAP, Apex REST, identity),
// each with the credentials it takes. Parameters get plausible values; writes in the admin API
// never name the real connection, so a fuzzed DELETE cannot take the suite's own setup away.

export type Auth = 'apiKey' | 'basic' | 'jwt' | 'admin' | 'session' | 'none'

export interface Route {
  target: 'runtime' | 'emulator'
  methods: readonly string[]
  path: string
  auth: Auth
  /** What a well-formed body looks like, mutated from there. */
  body: 'json' | 'form' | 'soap' | 'csv' | 'xml' | 'none'
}

const ANY = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const V = 'v62.0'
const ID = '001000000000000AAA'

export const ROUTES: readonly Route[] = [
  { target: 'runtime', methods: ['POST'], path: '/api/key/echo', auth: 'apiKey', body: 'json' },
  { target: 'runtime', methods: ['POST'], path: '/api/basic/echo', auth: 'basic', body: 'json' },
  { target: 'runtime', methods: ['POST'], path: '/api/jwt/echo', auth: 'jwt', body: 'json' },
  { target: 'runtime', methods: ['POST'], path: '/api/key/invoices', auth: 'apiKey', body: 'json' },
  { target: 'runtime', methods: ANY, path: '/api/key/echo', auth: 'none', body: 'json' },
  { target: 'runtime', methods: ['GET'], path: '/openapi.json', auth: 'none', body: 'none' },
  { target: 'runtime', methods: ['GET'], path: '/healthz', auth: 'none', body: 'none' },
  { target: 'runtime', methods: ['GET'], path: '/readyz', auth: 'none', body: 'none' },
  { target: 'runtime', methods: ['GET'], path: '/metrics', auth: 'none', body: 'none' },
  {
    target: 'runtime',
    methods: ['GET'],
    path: '/jobs/9506c13e-19e3-4f49-9534-aa711a3ef634?token=abc',
    auth: 'none',
    body: 'none',
  },
  {
    target: 'runtime',
    methods: ['POST', 'GET', 'DELETE'],
    path: '/admin/api/session',
    auth: 'none',
    body: 'json',
  },
  ...['admin', 'none'].flatMap((auth) =>
    [
      '/admin/api/connections',
      '/admin/api/connections/fuzz-conn',
      '/admin/api/connections/fuzz-conn/ping',
      '/admin/api/connections/crm/usage',
      '/admin/api/channels',
      '/admin/api/channels/ch-404',
      '/admin/api/security-definitions',
      '/admin/api/security-definitions/sd-404',
      '/admin/api/services',
      '/admin/api/services/fuzz.echo/invoke',
      '/admin/api/services/fuzz.nothing/settings',
      '/admin/api/jobs',
      '/admin/api/jobs/job-404',
      '/admin/api/jobs/job-404/retry',
      '/admin/api/schedules',
      '/admin/api/schedules/fuzz-schedule',
      '/admin/api/audit',
    ].map((path): Route => ({
      target: 'runtime',
      methods: ANY,
      path,
      auth: auth as Auth,
      body: 'json',
    })),
  ),
  ...['admin', 'none'].flatMap((auth) =>
    [
      '/admin',
      '/admin/',
      '/admin/sign-in',
      '/admin/connections',
      '/admin/connections/new',
      '/admin/connections/crm',
      '/admin/connections/crm/edit',
      '/admin/connections/crm/usage-panel',
      '/admin/channels',
      '/admin/services',
      '/admin/services/fuzz.echo',
      '/admin/jobs',
      '/admin/security-definitions',
      '/admin/schedules',
      '/admin/audit',
      '/admin/assets/admin.js',
    ].map((path): Route => ({
      target: 'runtime',
      methods: ['GET', 'POST'],
      path,
      auth: auth as Auth,
      body: 'form',
    })),
  ),
  {
    target: 'emulator',
    methods: ['POST'],
    path: '/services/oauth2/token',
    auth: 'none',
    body: 'form',
  },
  {
    target: 'emulator',
    methods: ['GET', 'POST'],
    path: '/services/oauth2/authorize',
    auth: 'none',
    body: 'form',
  },
  {
    target: 'emulator',
    methods: ['GET', 'POST'],
    path: '/services/oauth2/revoke',
    auth: 'none',
    body: 'form',
  },
  {
    target: 'emulator',
    methods: ['POST'],
    path: '/services/oauth2/introspect',
    auth: 'none',
    body: 'form',
  },
  {
    target: 'emulator',
    methods: ['GET'],
    path: '/services/oauth2/userinfo',
    auth: 'session',
    body: 'none',
  },
  { target: 'emulator', methods: ['GET', 'POST'], path: '/login', auth: 'none', body: 'form' },
  { target: 'emulator', methods: ['GET'], path: '/services/data', auth: 'none', body: 'none' },
  ...['session', 'none'].flatMap((auth) =>
    [
      [ANY, `/services/data/${V}`, 'json'],
      [ANY, `/services/data/${V}/sobjects`, 'json'],
      [ANY, `/services/data/${V}/sobjects/Account`, 'json'],
      [['GET'], `/services/data/${V}/sobjects/Account/describe`, 'none'],
      [ANY, `/services/data/${V}/sobjects/Account/${ID}`, 'json'],
      [ANY, `/services/data/${V}/sobjects/Invoice__c/Number__c/FZ-1`, 'json'],
      [['GET'], `/services/data/${V}/query?q=SELECT+Id,Name+FROM+Account+LIMIT+3`, 'none'],
      [['GET'], `/services/data/${V}/query/01gFUZZ-2000`, 'none'],
      [['GET'], `/services/data/${V}/queryAll?q=SELECT+Id+FROM+Contact`, 'none'],
      [['GET'], `/services/data/${V}/search?q=FIND+%7BAcme%7D`, 'none'],
      [['GET'], `/services/data/${V}/parameterizedSearch?q=Acme`, 'none'],
      [['POST'], `/services/data/${V}/composite`, 'json'],
      [['POST'], `/services/data/${V}/composite/batch`, 'json'],
      [['POST'], `/services/data/${V}/composite/tree/Account`, 'json'],
      [ANY, `/services/data/${V}/composite/sobjects`, 'json'],
      [['GET'], `/services/data/${V}/limits`, 'none'],
      [ANY, `/services/data/${V}/jobs/ingest`, 'json'],
      [ANY, `/services/data/${V}/jobs/ingest/750000000000001AAA`, 'json'],
      [['PUT'], `/services/data/${V}/jobs/ingest/750000000000001AAA/batches`, 'csv'],
      [ANY, `/services/data/${V}/jobs/query`, 'json'],
      [['GET'], `/services/data/${V}/jobs/query/750000000000001AAA/results`, 'none'],
      [ANY, '/services/async/62.0/job', 'xml'],
      [ANY, '/services/async/62.0/job/750000000000001AAA/batch', 'csv'],
      [ANY, '/services/apexrest/Orders/v1/1', 'json'],
      [['POST'], '/services/Soap/u/62.0', 'soap'],
      [['GET'], '/id/00D000000000001AAA/005000000000001AAA', 'none'],
      [['GET'], '/__emulator/stats', 'none'],
    ].map(([methods, path, body]): Route => ({
      target: 'emulator',
      methods: methods as readonly string[],
      path: path as string,
      auth: auth as Auth,
      body: body as Route['body'],
    })),
  ),
]
