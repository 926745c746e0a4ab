// Wires the runtime together: the registry filled from service folders, cached clients per
// connection, the invoker, and the HTTP server. `close()` stops it all in order.
import type { Logger } from 'pino'
import type { Store } from '../store/index.js'
import type { ServerLimits } from '../util/index.js'
import { ConnectionClients } from './connections/index.js'
import { openAsyncInvocations, type AsyncInvocationOptions } from './async-invocations.js'
import { createHttpServer, PublicOrigin, type HttpServer } from './channels/index.js'
import {
  Invoker,
  linkPublicEntry,
  ServiceCatalog,
  ServiceRegistry,
  ServiceSettings,
  ServiceWatcher,
  type LoadReport,
} from './services/index.js'
import { createMetrics, metricsPlugin, readinessChecks, type Metrics } from './metrics/index.js'
import { openApiPlugin, type OpenApiMode } from './openapi/index.js'
import type { JobQueue } from './queue/index.js'
import type { Scheduler } from './scheduler/index.js'
import { createSharedState, type SharedState } from './shared-state/index.js'
import { EventSubscriptions } from './events/index.js'

export interface RuntimeOptions {
  store: Store
  log: Logger
  /** Folders whose service files are loaded at start; missing folders are skipped. */
  serviceFolders?: string[]
  /**
   * Hot deploy: watch the service folders and load, reload or remove a file when it is added,
   * changed or deleted (a missing folder is loaded when it appears). Default true.
   */
  watch?: boolean
  /**
   * FORCEBRIDGE_HOME: `forcebridge` is linked into its node_modules so service files under it
   * resolve the public entry. Default: the store's home.
   */
  home?: string
  /** How long one service file's top-level code may take to load. Default 10 s. */
  serviceLoadTimeoutMs?: number
  /** Timeout of every Salesforce call, in milliseconds (client default when left out). */
  salesforceTimeoutMs?: number
  /**
   * On close(), how long running HTTP invocations may take to finish before they are aborted
   * (new requests get 503 meanwhile). Default 30000 (FORCEBRIDGE_SHUTDOWN_TIMEOUT_MS).
   */
  shutdownTimeoutMs?: number
  /** The durable queue's worker and the scheduler in this process. */
  async?: AsyncInvocationOptions
  /** GET /openapi.json: `public` (default) serves it to anyone, `off` answers 404. */
  openapi?: OpenApiMode
  /**
   * The state a cluster's nodes share (rate limits, admin sessions, sign-in limits, usage).
   * Default: `createSharedState()`, this process's memory.
   */
  sharedState?: SharedState
  /** Timeouts and caps of the HTTP listener. Default: DEFAULT_SERVER_LIMITS. */
  serverLimits?: Partial<ServerLimits>
  /**
   * The origin of every absolute URL handed out (FORCEBRIDGE_PUBLIC_URL). Default: the listening
   * address; never the caller's Host header.
   */
  publicUrl?: string
  /** Proxies whose X-Forwarded-* headers are believed (FORCEBRIDGE_TRUSTED_PROXIES). Default none. */
  trustedProxies?: readonly string[]
  /**
   * `host:port` of the Pub/Sub API for every connection's client (the emulator's, in tests).
   * Default Salesforce's, `api.pubsub.salesforce.com:7443` (FORCEBRIDGE_PUBSUB_ENDPOINT).
   */
  pubsubEndpoint?: string
  /** Event services' subscriptions; `false` runs none in this process. */
  events?: false | { leaseMs?: number }
}

export interface Runtime {
  readonly registry: ServiceRegistry
  readonly invoker: Invoker
  /** The cached client per connection (the admin API reads their API usage and revokes tokens). */
  readonly clients: ConnectionClients
  readonly http: HttpServer
  /** The service files and what each one serves or why it failed; live with `watch`. */
  readonly loadReport: LoadReport
  readonly serviceCatalog: ServiceCatalog
  /** The durable job queue behind `invokeAsync`. */
  readonly queue: JobQueue
  /** Cron schedules that enqueue service runs. */
  readonly scheduler: Scheduler
  /** Prometheus metrics, served at /metrics. */
  readonly metrics: Metrics
  /** The shared state: the channels' rate limiter here, the rest for the admin plugin. */
  readonly sharedState: SharedState
  /** The subscriptions of the loaded event services (`events` in defineService). */
  readonly subscriptions: EventSubscriptions | undefined
  /** Listens on host:port (port 0 picks a free one) and returns the base URL. */
  listen(host: string, port: number): Promise<string>
  close(): Promise<void>
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { store, log } = options
  const sharedState = options.sharedState ?? createSharedState()
  const registry = new ServiceRegistry()
  linkPublicEntry(options.home ?? store.home)
  const catalog = new ServiceCatalog(registry, log, {
    ...(options.serviceLoadTimeoutMs ? { loadTimeoutMs: options.serviceLoadTimeoutMs } : {}),
  })
  const folders = options.serviceFolders ?? []
  const watcher =
    options.watch === false ? undefined : await ServiceWatcher.start({ folders, catalog, log })
  if (!watcher) for (const folder of folders) await catalog.scan(folder)
  const metrics = createMetrics()
  const clients = new ConnectionClients(store.connections, log, {
    ...(options.salesforceTimeoutMs ? { timeoutMs: options.salesforceTimeoutMs } : {}),
    onClient: (connection, client) => metrics.observeClient(connection, client),
    settings: store.settings,
    // Edits made in this process are seen at once, so an invocation right after a connection
    // edit uses the edited connection.
    revision: () => store.revision(),
    // One token and one login at a time per connection for every node (Redis), or per client.
    sharedTokens: sharedState.tokens,
    ...(options.pubsubEndpoint ? { pubsubEndpoint: options.pubsubEndpoint } : {}),
  })
  const jobs = openAsyncInvocations(store, log, {
    ...options.async,
    onAttempt: (event) => metrics.onJobAttempt(event),
  })
  metrics.observeQueue(jobs.queue)
  metrics.observeServiceFiles(() => catalog.status())
  metrics.observeSharedState(() => sharedState.status())
  const settings = new ServiceSettings(store.settings, () => store.revision())
  const invoker = new Invoker(
    registry,
    clients,
    log,
    (request) => jobs.queue.enqueue(request),
    settings,
  )
  await jobs.start(invoker)
  const origin = new PublicOrigin({
    publicUrl: options.publicUrl,
    trustedProxies: options.trustedProxies,
  })
  const subscriptions =
    options.events === false
      ? undefined
      : new EventSubscriptions({
          store,
          registry,
          clients,
          invoker,
          log,
          ...(options.events?.leaseMs ? { leaseMs: options.events.leaseMs } : {}),
          onSignal: (signal) => metrics.onSubscriptionSignal(signal),
        })
  subscriptions?.start()
  const http = createHttpServer({
    origin,
    store,
    invoker,
    log,
    queue: jobs.queue,
    rateLimiter: sharedState.rateLimiter,
    ...(options.serverLimits ? { limits: options.serverLimits } : {}),
    ...(options.shutdownTimeoutMs !== undefined
      ? { drainTimeoutMs: options.shutdownTimeoutMs }
      : {}),
  })
  await http.register(
    openApiPlugin({
      store,
      registry,
      mode: options.openapi ?? 'public',
      origin: (req) => origin.of(req),
    }),
  )
  await http.register(
    metricsPlugin(metrics, {
      // Not a check: a node whose Redis is away still serves (from its own memory), so it stays
      // in rotation; the details say so.
      // The database's dialect (no location: that may name hosts).
      details: () => ({ database: store.dialect, sharedState: sharedState.status() }),
      ready: readinessChecks({
        store: () => store.connections.list(),
        // Not ready while a file serves nothing because it never loaded. A broken new version
        // of a file whose previous version keeps serving is reported (log, dashboard) but does
        // not take the whole server out of rotation.
        services: () => {
          const failed = catalog
            .status()
            .filter((f) => f.error !== null && f.loadedAt === null)
            .map((f) => f.file)
          if (failed.length > 0)
            throw new Error(`service files failed to load: ${failed.join(', ')}`)
        },
      }),
    }),
  )
  return {
    registry,
    invoker,
    clients,
    http,
    loadReport: catalog,
    serviceCatalog: catalog,
    queue: jobs.queue,
    scheduler: jobs.scheduler,
    metrics,
    sharedState,
    subscriptions,
    async listen(host, port) {
      await http.listen({ host, port })
      const address = http.server.address()
      const actual = typeof address === 'object' && address ? address.port : port
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`
      origin.listeningAt(url)
      return url
    },
    async close() {
      // Stop taking requests and let running invocations finish (up to the shutdown timeout),
      // let subscriptions and running jobs finish, then close the Salesforce clients.
      await http.close()
      await watcher?.close()
      // Each subscription finishes its batch in hand and stores its position first.
      await subscriptions?.close()
      await jobs.stop()
      await clients.close()
    },
  }
}
