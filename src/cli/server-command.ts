// Long-running commands: `forcebridge start` (the services server) and `forcebridge dev` (the
// demo: emulator, demo setup, server, banner); `forcebridge emulator` is in emulator-command.ts.
// Ctrl-C (SIGINT) or SIGTERM closes every server and the store before exiting.
import type { Command } from 'commander'
import { join, relative, resolve, sep } from 'node:path'
import type { Config } from '../runtime/index.js'
import { packageRoot, packageVersion } from '../runtime/package-info/index.js'
import { logLevelOf } from './cli-context.js'
import { closeOnSignal, demoOrg, listening, loadEmulator, type Closer } from './server-lifecycle.js'

/** How the user runs this CLI from the current folder. */
export function cliInvocation(): string {
  const root = packageRoot()
  // Installed as a dependency: npx finds the bin in node_modules/.bin.
  if (root.split(sep).includes('node_modules')) return 'npx forcebridge'
  // A checkout of forcebridge itself: npx does not link a package's own bin, so name the file.
  const rel = relative(process.cwd(), join(root, 'bin', 'forcebridge.js'))
  return `node ${rel.includes(' ') ? JSON.stringify(rel) : rel}`
}

/** Runs `start` with everything it opened closed again when it fails: the process can exit. */
async function closingOnFailure<T>(closers: Closer[], start: () => Promise<T>): Promise<T> {
  try {
    return await start()
  } catch (err) {
    for (const close of [...closers].reverse()) await close().catch(() => undefined)
    throw err
  }
}

async function startServer(config: Config, folders: string[], closers: Closer[]) {
  const { ClusterNode, createLogger, createRuntime, createSharedState, storeOptionsOf } =
    await import('../runtime/index.js')
  const { adminPlugin } = await import('../admin/index.js')
  const { openStore } = await import('../store/index.js')
  const { checkMasterKey } = await import('./start-checks.js')
  // Logs go to stderr so stdout holds only what the command prints (the demo's banner).
  const log = createLogger({ level: logLevelOf(config, 'info'), destination: process.stderr })
  const store = await openStore({ ...storeOptionsOf(config), warn: (m) => log.warn(m) })
  closers.push(() => store.close())
  // A master key that cannot open the stored secrets is a configuration error: refuse to start.
  await checkMasterKey(store)
  // What a cluster's nodes share (tokens, login lock, rate limits, sessions, sign-in limits,
  // usage): Redis when FORCEBRIDGE_REDIS_URL is set, else this process's memory. Tokens go to
  // Redis sealed under the store's master key, so every node needs the same key.
  const sharedState = createSharedState(
    config.redis
      ? {
          backend: 'redis',
          redis: {
            ...config.redis,
            sealer: store.sealer,
          },
          log,
        }
      : { backend: 'memory' },
  )
  closers.push(() => sharedState.close())
  // Starts degraded (and says so) when Redis does not answer yet; it recovers on its own.
  await sharedState.ready()
  const runtime = await createRuntime({
    store,
    log,
    sharedState,
    serviceFolders: folders,
    async: { concurrency: config.workerConcurrency, leaseMs: config.jobLeaseMs },
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    openapi: config.openapi,
    serverLimits: config.serverLimits,
    trustedProxies: config.trustedProxies,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    events: { leaseMs: config.subscriptionLeaseMs },
    ...(config.pubsubEndpoint ? { pubsubEndpoint: config.pubsubEndpoint } : {}),
  })
  closers.push(() => runtime.close())
  // The admin API and dashboard at /admin, over the same store and runtime.
  await runtime.http.register(adminPlugin, {
    store,
    runtime,
    log,
    sharedState,
    queue: runtime.queue,
    schedules: runtime.scheduler,
    nodeTimeoutMs: config.node.timeoutMs,
  })
  const url = await listening(
    'services server',
    'FORCEBRIDGE_PORT',
    config.port,
    () => runtime.listen(config.host, config.port),
    config.host,
  )
  // In the node registry once it listens (its port is known), so /admin/api/nodes and /metrics
  // on every node show it; files deployed to the store are written into FORCEBRIDGE_HOME/services
  // (or the first folder when that one is not served).
  const home = join(config.home, 'services')
  const node = await ClusterNode.start({
    store,
    log: log.child({ part: 'cluster' }),
    port: Number(new URL(url).port),
    version: packageVersion(),
    services: () => runtime.registry.list().map((s) => s.service.name),
    servicesFolder: folders.includes(home) ? home : folders[0],
    heartbeatMs: config.node.heartbeatMs,
    timeoutMs: config.node.timeoutMs,
  })
  // Closed before the runtime and store (closers run in reverse): the row goes on a clean exit.
  closers.push(() => node.close())
  runtime.metrics.observeCluster(node)
  return { store, runtime, url, log, node }
}

export function serverCommands(program: Command): void {
  program
    .command('start')
    .description(
      'run the services server (channels from the store, services from the services folders)',
    )
    .option('--services <folder...>', 'service folders (default: FORCEBRIDGE_HOME/services)')
    .action(async (flags: { services?: string[] }) => {
      const { loadConfig } = await import('../runtime/config/index.js')
      const { adminUserAtStart, warnAboutServiceFolders } = await import('./start-checks.js')
      const config = loadConfig()
      const closers: Closer[] = []
      const folders = (flags.services ?? [join(config.home, 'services')]).map((f) => resolve(f))
      const { url, log, store, runtime } = await closingOnFailure(closers, async () => {
        const started = await startServer(config, folders, closers)
        await adminUserAtStart(started.store, started.log, config.firstAdmin)
        return started
      })
      warnAboutServiceFolders(folders, log)
      closeOnSignal(closers, (m) => log.info(m), config.shutdownTimeoutMs)
      // One line that says what this server serves, for whoever reads the start of the log.
      const files = runtime.serviceCatalog.status()
      log.info(
        {
          url,
          admin: `${url}/admin`,
          servicesFolders: folders,
          services: runtime.registry.list().length,
          serviceFilesFailed: files.filter((f) => f.error).map((f) => f.file),
          channels: (await store.channels.list()).length,
          connections: (await store.connections.list()).length,
          workerConcurrency: config.workerConcurrency,
          sharedState: runtime.sharedState.status(),
          // The dialect and where, with any password in a database URL hidden.
          database: `${store.dialect} ${store.location}`,
        },
        'forcebridge is listening',
      )
    })

  program
    .command('dev')
    .description('the demo: emulator, demo connection and channel, example services, and a banner')
    .option(
      '--services <folder...>',
      'service folders to load instead of examples/services and FORCEBRIDGE_HOME/services',
    )
    .action(async (flags: { services?: string[] }) => {
      const { loadConfig } = await import('../runtime/config/index.js')
      const { ensureDemoSetup } = await import('./demo-setup.js')
      const { demoBanner } = await import('./demo-banner.js')
      const config = loadConfig()
      const closers: Closer[] = []
      await closingOnFailure(closers, async () => {
        const { startEmulator } = await loadEmulator()
        const emulator = await listening(
          'emulator',
          'FORCEBRIDGE_EMULATOR_PORT',
          config.emulatorPort,
          () =>
            startEmulator({
              host: config.host,
              port: config.emulatorPort,
              ...demoOrg(),
              dataDir: join(config.home, 'emulator'),
              limits: config.serverLimits,
            }),
          config.host,
        )
        closers.push(() => emulator.close())
        const folders = flags.services?.map((f) => resolve(f)) ?? [
          join(packageRoot(), 'examples', 'services'),
          join(config.home, 'services'),
        ]
        const { store, url, log } = await startServer(config, folders, closers)
        const { apiKey, admin } = await ensureDemoSetup(store, emulator.url)
        closeOnSignal(closers, (m) => log.info(m), config.shutdownTimeoutMs)
        const defaultHome = resolve('.forcebridge')
        const cli =
          config.home === defaultHome
            ? cliInvocation()
            : `FORCEBRIDGE_HOME=${JSON.stringify(config.home)} ${cliInvocation()}`
        process.stdout.write(
          demoBanner({
            emulatorUrl: emulator.url,
            serverUrl: url,
            apiKey,
            admin,
            cli,
            home: config.home,
          }),
        )
        if (emulator.adminTokenRequired)
          process.stdout.write(
            `emulator admin API token (X-Emulator-Admin-Token): ${emulator.adminToken}\n`,
          )
      })
    })
}
