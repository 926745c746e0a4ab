// Starts an emulated Salesforce org on a local port and returns a handle to drive it
// from tests: fault injection, session expiry, counters, direct data access.

import { randomBytes, randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { dirname, resolve } from 'node:path'
import { serverLimitsOf, type ServerLimits } from '../util/index.js'
import { ApiLimits } from './limits/api-limits.js'
import { FaultInjector } from './faults/fault-injector.js'
import type { FaultSettings } from './faults/fault-settings.js'
import { issueRefreshToken, statsBody, type EmulatorStatsView } from './faults/admin-actions.js'
import { IdGenerator } from './ids/record-id.js'
import type { OrgWriter } from './model/index.js'
import { buildSchema } from './org/build-schema.js'
import { defaultOrg } from './org/default-org.js'
import { loadOrg } from './org/load-org-file.js'
import type { OrgFile } from './org/org-file.js'
import { OrgStore } from './org/org-store.js'
import { seedOrg, stampSeedAuthor } from './org/seed-org.js'
import { formatDateTime } from './org/sf-datetime.js'
import { SqliteRecords } from './org/sqlite-records.js'
import { SessionStore } from './auth/session-store.js'
import { QueryLocators } from './data/query-locators.js'
import { MAX_PAGE } from './data/query-routes.js'
import { ResultStore } from './data/result-store.js'
import { RecentItems } from './resources/recent-items.js'
import { AuthorizationCodes } from './oauth/authorization-codes.js'
import { runQuery, streamQuery } from './soql/index.js'
import { setupBackendFromState } from './setup/index.js'
import type { BulkOptions } from './bulk/index.js'
import { buildApp, type RouteEntry } from './server/build-app.js'
import { certificateFiles } from './tls/index.js'
import { isLoopback } from './server/is-loopback.js'
import type { DispatchResponse, EmulatorContext } from './server/emulator-context.js'
import type { EmulatorState, UserAccount } from './server/emulator-state.js'
import { EmulatorPubSub, type PubSubOptions } from './pubsub/emulator-pubsub.js'

export interface StartEmulatorOptions {
  /**
   * Default `127.0.0.1`. The admin API is open without its token only when the address the
   * emulator binds to is a loopback address (127.0.0.0/8, `::1`, `::ffff:127.x.y.z`).
   */
  host?: string
  /** Require `X-Emulator-Admin-Token` on the admin API even on loopback. Default false. */
  requireAdminToken?: boolean
  /** Default 0: a free port. */
  port?: number
  /** A YAML/JSON org file path, or the parsed object. Default: the built-in demo org. */
  org?: string | OrgFile
  /** Keep records in SQLite in this folder (a restart keeps them). Default: memory only. */
  dataDir?: string
  /** Seed of the fault injection generator. Default 1. */
  seed?: number
  /** The emulator's clock. Default: the system clock. */
  clock?: () => Date
  /** Log requests with pino. Default false. */
  logger?: boolean
  /** Behave like login.salesforce.com: refuse the client credentials flow. Default false. */
  genericLoginHost?: boolean
  /** A request running this long counts as long-running (Salesforce: 20,000 ms). */
  longRunningMs?: number
  /**
   * Pace of Bulk API 2.0 processing: `chunkSize` rows every `tickMs`, in `sliceMs` pieces.
   * Default 500 rows each millisecond, 2 ms pieces; slow it down to watch jobs sit InProgress
   * (e.g. `{ chunkSize: 50, tickMs: 100 }`).
   */
  bulk?: BulkOptions
  /**
   * Serve HTTPS with a self-signed certificate, made at first start and kept in
   * `<dataDir>/tls/` (a temporary folder, removed at close, without a data folder). Clients
   * trust it with `NODE_EXTRA_CA_CERTS=<handle.tls.certFile>`. Default false.
   */
  tls?: boolean
  /** The Pub/Sub API (gRPC, plaintext on `host`): port, keepalive, retention. */
  pubsub?: PubSubOptions
  /**
   * Timeouts and caps of the listener, so slow or idle clients cannot hold its sockets (the CLI
   * passes FORCEBRIDGE_HEADERS_TIMEOUT_MS and friends). Default: DEFAULT_SERVER_LIMITS.
   */
  limits?: Partial<ServerLimits>
}

export interface EmulatorHandle {
  /** e.g. `http://127.0.0.1:39123` (`https://` with `tls`): the login host and the instance URL. */
  url: string
  /** With `tls`: the PEM certificate file to trust (NODE_EXTRA_CA_CERTS) and its text. */
  tls?: { certFile: string; cert: string }
  port: number
  /** The Pub/Sub API's gRPC endpoint, e.g. `127.0.0.1:39124` (plaintext). */
  pubsubEndpoint: string
  pubsubPort: number
  orgId: string
  /** Needed in `X-Emulator-Admin-Token` when the emulator is not bound to loopback. */
  adminToken: string
  /** True when the admin API needs `adminToken` (bound off loopback, or asked to). */
  adminTokenRequired: boolean
  /** Every route the emulator serves, as registered (method and pattern), e.g. to test each. */
  routes(): readonly RouteEntry[]
  close(): Promise<void>
  /** Invalidate every access token now (the next data call answers 401). */
  expireSessions(): void
  faults: { set(settings: FaultSettings): void; clear(): void; current(): FaultSettings }
  limits: { used(): number; max(): number; spend(): void; reset(): void }
  /** Change org settings at run time. */
  settings(changes: { allowUsernamePasswordFlow?: boolean; genericLoginHost?: boolean }): void
  stats(): EmulatorStatsView
  /** A refresh token for this user and app, as the web-server flow would issue it. */
  issueRefreshToken(username: string, consumerKey: string): string
  /** Direct access to the org's data for test setup and assertions. */
  org: OrgWriter
}

function setupUsers(
  store: OrgStore,
  users: ReturnType<typeof loadOrg>['users'],
  now: () => Date,
  profileId: string,
): Map<string, UserAccount> {
  const out = new Map<string, UserAccount>()
  const stamp = formatDateTime(now())
  for (const u of users) {
    const existing = store.findByField('User', 'Username', u.username)[0]
    const id = existing ?? store.newId('005')
    if (!existing) {
      const lastName = u.lastName
      store.insertRaw('User', {
        Id: id,
        IsDeleted: false,
        Username: u.username,
        FirstName: u.firstName ?? null,
        LastName: lastName,
        Name: [u.firstName, lastName].filter(Boolean).join(' '),
        Email: u.email ?? u.username,
        Alias: u.username.replace(/[^A-Za-z0-9]/g, '').slice(0, 8),
        IsActive: u.active,
        TimeZoneSidKey: 'America/Los_Angeles',
        LocaleSidKey: 'en_US',
        LanguageLocaleKey: 'en_US',
        EmailEncodingKey: 'UTF-8',
        ProfileId: profileId,
        UserType: 'Standard',
        CreatedDate: stamp,
        CreatedById: id,
        LastModifiedDate: stamp,
        LastModifiedById: id,
        SystemModstamp: stamp,
      })
    }
    out.set(u.username.toLowerCase(), { ...u, id })
  }
  return out
}

/**
 * Start an emulator. Close it with `handle.close()`.
 * @example const emu = await startEmulator(); // emu.url is the login host and instance URL
 */
export async function startEmulator(opts: StartEmulatorOptions = {}): Promise<EmulatorHandle> {
  const config = loadOrg(opts.org, defaultOrg)
  const now = opts.clock ?? (() => new Date())
  const host = opts.host ?? '127.0.0.1'
  // The data folder's file, or a temporary one removed at close.
  const persistence = new SqliteRecords(opts.dataDir)
  // Query results between pages, in a temporary file of their own (see result-store.ts).
  const results = new ResultStore()
  const ids = new IdGenerator()
  const store = new OrgStore(buildSchema(config), ids, now, persistence)
  const orgId = persistence.getMeta('orgId') ?? ids.next('00D')
  persistence.setMeta('orgId', orgId)
  const { adminProfileId } = seedOrg(store, { orgId, orgName: config.name, now })
  const users = setupUsers(store, config.users, now, adminProfileId)
  const firstUser = users.values().next().value
  if (firstUser) stampSeedAuthor(store, firstUser.id)
  let url = ''
  const tls = opts.tls === true ? certificateFiles(opts.dataDir, host, now()) : undefined
  const state: EmulatorState = {
    config,
    store,
    orgId,
    sessions: new SessionStore(orgId, now, config.settings.sessionTimeoutMinutes),
    authCodes: new AuthorizationCodes(now),
    limits: new ApiLimits({
      dailyMax: config.settings.dailyApiRequests,
      longRunningMs: opts.longRunningMs ?? 20_000,
      maxLongRunning: config.settings.maxConcurrentLongRunning,
      now,
    }),
    // Developer Edition's allocation; the concurrency options do not apply to batches.
    bulkBatches: new ApiLimits({
      dailyMax: 15_000,
      longRunningMs: Number.POSITIVE_INFINITY,
      maxLongRunning: Number.POSITIVE_INFINITY,
      now,
    }),
    faults: new FaultInjector(opts.seed ?? 1),
    locators: new QueryLocators(() => ids.next('01g'), now, results),
    recent: new RecentItems(),
    now,
    instanceUrl: () => url,
    users,
    apps: new Map(config.connectedApps.map((a) => [a.consumerKey, a])),
    stats: { logins: new Map(), requests: 0, tokenRequests: 0, grants: new Map() },
    loginTimes: new Map(),
    settings: {
      allowUsernamePasswordFlow: config.settings.allowUsernamePasswordFlow,
      genericLoginHost: opts.genericLoginHost ?? false,
    },
    internalKey: randomBytes(32).toString('hex'),
    dispatchSessions: new Map(),
    adminToken: randomBytes(24).toString('base64url'),
    // Closed until the bound address is known (after listen).
    adminOpen: false,
  }

  // Late-bound: dispatch needs the app, and the app's features need the context.
  const late: {
    inject?: (req: Parameters<EmulatorContext['dispatch']>[0]) => Promise<DispatchResponse>
  } = {}
  const ctx: EmulatorContext = {
    org: store,
    orgId,
    instanceUrl: () => url,
    now,
    newId: (prefix) => ids.next(prefix),
    // A large ORDER BY is sorted in the result store, not in the heap.
    query: (soql, q) => runQuery(store, soql, { ...q, now: now(), sortStore: results }),
    queryStream: (soql, q) => streamQuery(store, soql, { ...q, now: now(), sortStore: results }),
    queryPage: (soql, q) =>
      state.locators.firstPage(
        streamQuery(store, soql, { ...q, now: now(), sortStore: results }),
        MAX_PAGE,
        q.apiVersion,
      ),
    results,
    dispatch: (req) => late.inject!(req),
    limits: {
      used: () => state.limits.used(),
      max: () => state.limits.max(),
      count: (n) => state.limits.count(n),
    },
    bulkBatches: {
      exhausted: () => state.bulkBatches.exhausted(),
      count: () => state.bulkBatches.count(),
    },
    setup: setupBackendFromState(state),
  }
  const pubsub = new EmulatorPubSub(state, opts.pubsub)
  const built = buildApp(state, ctx, {
    logger: opts.logger ?? false,
    limits: serverLimitsOf(opts.limits),
    ...(opts.bulk ? { bulk: opts.bulk } : {}),
    pubsub: pubsub.feature,
    apexRest: {
      routes: config.apexRest,
      // Handler paths are relative to the org file; to the working folder for an object.
      baseDir: typeof opts.org === 'string' ? dirname(resolve(opts.org)) : process.cwd(),
    },
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
  })
  // A handler module that cannot load (Apex REST) stops the start: release the data folder.
  const { app, routes } = await built.catch(async (err: unknown) => {
    await pubsub.close()
    persistence.close()
    results.close()
    tls?.dispose()
    throw err
  })
  late.inject = async (req) => {
    const key = randomUUID()
    state.dispatchSessions.set(key, req.session)
    try {
      const headers: Record<string, string> = {
        ...req.headers,
        'x-emulator-internal': state.internalKey,
        'x-emulator-dispatch': key,
      }
      let payload: string | undefined
      if (typeof req.body === 'string') payload = req.body
      else if (req.body !== undefined) {
        payload = JSON.stringify(req.body)
        headers['content-type'] ??= 'application/json'
      }
      const res = await app.inject({
        method: req.method.toUpperCase(),
        url: req.url,
        headers,
        payload,
      })
      const type = String(res.headers['content-type'] ?? '')
      const out: Record<string, string> = {}
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v)
      const body =
        res.payload === ''
          ? null
          : type.includes('json')
            ? (JSON.parse(res.payload) as unknown)
            : res.payload
      return { status: res.statusCode, headers: out, body }
    } finally {
      state.dispatchSessions.delete(key)
    }
  }

  let pubsubPort: number
  try {
    await app.listen({ host, port: opts.port ?? 0 })
    pubsubPort = await pubsub.listen(host)
  } catch (err) {
    await app.close()
    await pubsub.close()
    persistence.close()
    results.close()
    tls?.dispose()
    throw err
  }
  const bound = app.server.address() as AddressInfo
  const port = bound.port
  // The bound address, not the host option: Node resolved `127.1`, `localhost` and friends.
  state.adminOpen = opts.requireAdminToken !== true && isLoopback(bound.address)
  url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`

  return {
    url,
    port,
    pubsubEndpoint: `${host.includes(':') ? `[${host}]` : host}:${pubsubPort}`,
    pubsubPort,
    orgId,
    adminToken: state.adminToken,
    adminTokenRequired: !state.adminOpen,
    ...(tls ? { tls: { certFile: tls.certFile, cert: tls.cert } } : {}),
    routes: () => routes.slice(),
    close: async () => {
      await pubsub.close()
      await app.close()
      persistence.close()
      results.close()
      tls?.dispose()
    },
    expireSessions: () => state.sessions.expireAll(),
    faults: {
      set: (s) => state.faults.set(s),
      clear: () => state.faults.clear(),
      current: () => state.faults.current(),
    },
    limits: {
      used: () => state.limits.used(),
      max: () => state.limits.max(),
      spend: () => state.limits.spendAll(),
      reset: () => state.limits.reset(),
    },
    settings: (changes) => Object.assign(state.settings, changes),
    stats: () => statsBody(state),
    issueRefreshToken: (username, consumerKey) => issueRefreshToken(state, username, consumerKey),
    org: store,
  }
}
