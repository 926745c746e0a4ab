// Long-running commands: `forcebridge start` (the services server), `forcebridge dev` (the
// demo: emulator, demo setup, server, banner) and `forcebridge emulator` (the org alone).
// Ctrl-C (SIGINT) or SIGTERM closes every server and the store before exiting.
import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import {
  createLogger,
  createRuntime,
  loadConfig,
  packageRoot,
  type Config,
} from '../runtime/index.js'
import { adminPlugin } from '../admin/index.js'
import { openStore } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'
import { demoBanner } from './demo-banner.js'
import { ensureDemoSetup } from './demo-setup.js'

type Closer = () => Promise<void>

/** Beyond the drain timeout, how long closing may take before the process exits anyway. */
const CLOSE_GRACE_MS = 10_000

/**
 * Closes everything on the first SIGINT/SIGTERM (the services server first lets running
 * invocations finish, up to `drainMs`); a second signal exits at once, and so does a close that
 * hangs past the drain timeout plus a grace period.
 */
function closeOnSignal(closers: Closer[], log: (msg: string) => void, drainMs = 0): void {
  let closing = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(130)
    closing = true
    log(`${signal}: shutting down`)
    setTimeout(() => {
      log(`shutdown did not finish within ${drainMs + CLOSE_GRACE_MS} ms; exiting`)
      process.exit(1)
    }, drainMs + CLOSE_GRACE_MS).unref()
    void (async () => {
      for (const close of [...closers].reverse()) {
        try {
          await close()
        } catch (err) {
          log(`while shutting down: ${err instanceof Error ? err.message : String(err)}`)
        }
      }
      process.exit(0)
    })()
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
}

/** How the user runs this CLI from the current folder. */
export function cliInvocation(): string {
  const root = packageRoot()
  // Installed as a dependency: npx finds the bin in node_modules/.bin.
  if (root.split(sep).includes('node_modules')) return 'npx forcebridge'
  // A checkout of forcebridge itself: npx does not link a package's own bin, so name the file.
  const rel = relative(process.cwd(), join(root, 'bin', 'forcebridge.js'))
  return `node ${rel.includes(' ') ? JSON.stringify(rel) : rel}`
}

/** The emulator is big; only the commands that run it load it. */
function loadEmulator() {
  return import('../emulator/index.js')
}

/** examples/demo-org.yaml; the emulator's built-in copy of it when the file is not there. */
function demoOrg(): { org?: string } {
  const file = join(packageRoot(), 'examples', 'demo-org.yaml')
  return existsSync(file) ? { org: file } : {}
}

function seedOf(text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n))
    throw new ForcebridgeError('INVALID_ARGUMENTS', `--seed ${text}: must be a whole number`)
  return n
}

/** Turns "address in use" into a line that names the setting to change. */
async function listening<T>(
  what: string,
  variable: string,
  port: number,
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ForcebridgeError(
        'PORT_IN_USE',
        `port ${port} is already in use, so the ${what} cannot listen; stop what uses it or set ${variable} to another port`,
        { cause: err },
      )
    }
    throw err
  }
}

async function startServer(config: Config, folders: string[], closers: Closer[]) {
  // Logs go to stderr so stdout holds only what the command prints (the demo's banner).
  const log = createLogger({ level: config.logLevel, destination: process.stderr })
  const store = await openStore({
    home: config.home,
    ...(config.secretKey ? { secretKey: config.secretKey } : {}),
  })
  closers.push(() => store.close())
  const runtime = await createRuntime({
    store,
    log,
    serviceFolders: folders,
    async: { concurrency: config.workerConcurrency, leaseMs: config.jobLeaseMs },
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    openapi: config.openapi,
  })
  closers.push(() => runtime.close())
  // The admin API and dashboard at /admin, over the same store and runtime.
  await runtime.http.register(adminPlugin, {
    store,
    runtime,
    log,
    queue: runtime.queue,
    schedules: runtime.scheduler,
  })
  const url = await listening('services server', 'FORCEBRIDGE_PORT', config.port, () =>
    runtime.listen(config.host, config.port),
  )
  return { store, runtime, url, log }
}

export function serverCommands(program: Command): void {
  program
    .command('start')
    .description(
      'run the services server (channels from the store, services from the services folders)',
    )
    .option('--services <folder...>', 'service folders (default: FORCEBRIDGE_HOME/services)')
    .action(async (flags: { services?: string[] }) => {
      const config = loadConfig()
      const closers: Closer[] = []
      const folders = (flags.services ?? [join(config.home, 'services')]).map((f) => resolve(f))
      const { url, log, store, runtime } = await startServer(config, folders, closers)
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
        },
        'forcebridge is listening',
      )
    })

  program
    .command('dev')
    .description('the demo: emulator, demo connection and channel, example services, and a banner')
    .action(async () => {
      const config = loadConfig()
      const closers: Closer[] = []
      try {
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
            }),
        )
        closers.push(() => emulator.close())
        const folders = [join(packageRoot(), 'examples', 'services'), join(config.home, 'services')]
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
      } catch (err) {
        for (const close of closers.reverse()) await close().catch(() => undefined)
        throw err
      }
    })

  program
    .command('emulator')
    .description('run the Salesforce emulator alone')
    .option('-p, --port <port>', 'port (default FORCEBRIDGE_EMULATOR_PORT or 8401)')
    .option('--org <file>', 'org definition (default examples/demo-org.yaml)')
    .option('--data <dir>', 'keep the org data in this folder (default: in memory)')
    .option('--seed <n>', 'seed of the fault injection generator, for repeatable runs')
    .option('--latency <ms>', 'add this delay to every data API answer (or a range, e.g. 20-200)')
    .option(
      '--fail <kind=rate...>',
      'failure rates per call, e.g. serverUnavailable=0.05 unableToLockRow=0.1 (kinds: ' +
        'serverUnavailable, unableToLockRow, internalError, badGatewayHtml, maintenanceHtml, connectionReset)',
    )
    .option('--expire-sessions-every <n>', 'expire every session after this many API calls')
    .option('--block-password-flow', 'refuse the username-password flow, as new orgs do')
    .option(
      '--spend-daily-limit',
      'start with the daily API requests spent (403 REQUEST_LIMIT_EXCEEDED)',
    )
    .option(
      '--bulk-rows-per-second <n>',
      'process Bulk API 2.0 ingest jobs at this pace, to watch them sit InProgress (default: at once)',
    )
    .action(async (flags: EmulatorFlags) => {
      const config = loadConfig()
      const port = flags.port === undefined ? config.emulatorPort : Number(flags.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new ForcebridgeError(
          'INVALID_ARGUMENTS',
          `--port ${flags.port}: must be a port number between 0 and 65535`,
        )
      }
      // Bad fault flags are refused before anything listens.
      const faults = faultsOf(flags)
      const bulk = bulkPaceOf(flags.bulkRowsPerSecond)
      const { startEmulator } = await loadEmulator()
      const emulator = await listening(
        'emulator',
        '--port or FORCEBRIDGE_EMULATOR_PORT',
        port,
        () =>
          startEmulator({
            host: config.host,
            port,
            ...(flags.org ? { org: resolve(flags.org) } : demoOrg()),
            ...(flags.data ? { dataDir: resolve(flags.data) } : {}),
            ...(flags.seed !== undefined ? { seed: seedOf(flags.seed) } : {}),
            ...(bulk ? { bulk } : {}),
          }),
      )
      if (faults) emulator.faults.set(faults)
      if (flags.spendDailyLimit) emulator.limits.spend()
      closeOnSignal([() => emulator.close()], (m) => console.error(m))
      console.log(`Salesforce emulator listening on ${emulator.url} (Ctrl-C to stop)`)
      if (bulk) console.log(`bulk ingest pace: ${flags.bulkRowsPerSecond} rows a second`)
      if (faults || flags.spendDailyLimit) {
        console.log(
          `fault injection: ${JSON.stringify({ ...faults, spendDailyLimit: flags.spendDailyLimit === true })}`,
        )
      }
    })
}

interface EmulatorFlags {
  port?: string
  org?: string
  data?: string
  seed?: string
  latency?: string
  fail?: string[]
  expireSessionsEvery?: string
  blockPasswordFlow?: boolean
  spendDailyLimit?: boolean
  bulkRowsPerSecond?: string
}

/** `--bulk-rows-per-second n` as the emulator's pace: a chunk of rows every tick. */
function bulkPaceOf(text: string | undefined): { chunkSize: number; tickMs: number } | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `--bulk-rows-per-second ${text}: must be a whole number of rows, 1 or more`,
    )
  }
  // Twenty ticks a second; below 20 rows a second, one row per tick, ticks further apart.
  return n >= 20
    ? { chunkSize: Math.round(n / 20), tickMs: 50 }
    : { chunkSize: 1, tickMs: 1000 / n }
}

const FAULT_KINDS = [
  'serverUnavailable',
  'unableToLockRow',
  'internalError',
  'badGatewayHtml',
  'maintenanceHtml',
  'connectionReset',
] as const

/** The emulator's fault settings named by the command's flags, or undefined for none. */
function faultsOf(flags: EmulatorFlags) {
  const bad = (flag: string, why: string) =>
    new ForcebridgeError('INVALID_ARGUMENTS', `${flag}: ${why}`)
  const faults: {
    latencyMs?: number | [number, number]
    errorRates?: Partial<Record<(typeof FAULT_KINDS)[number], number>>
    expireSessionsEvery?: number
    blockPasswordFlow?: boolean
  } = {}
  if (flags.latency !== undefined) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(flags.latency)
    if (!m)
      throw bad(
        `--latency ${flags.latency}`,
        'write milliseconds, e.g. 50, or a range, e.g. 20-200',
      )
    faults.latencyMs = m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])]
  }
  for (const pair of flags.fail ?? []) {
    const [kind, value] = pair.split('=')
    const rate = Number(value)
    if (!FAULT_KINDS.includes(kind as (typeof FAULT_KINDS)[number])) {
      throw bad(`--fail ${pair}`, `the kind must be one of ${FAULT_KINDS.join(', ')}`)
    }
    if (value === undefined || !(rate >= 0 && rate <= 1))
      throw bad(`--fail ${pair}`, 'the rate must be between 0 and 1')
    faults.errorRates = { ...faults.errorRates, [kind as string]: rate }
  }
  if (flags.expireSessionsEvery !== undefined) {
    const n = Number(flags.expireSessionsEvery)
    if (!Number.isInteger(n) || n < 1)
      throw bad(
        `--expire-sessions-every ${flags.expireSessionsEvery}`,
        'must be a whole number of calls, 1 or more',
      )
    faults.expireSessionsEvery = n
  }
  if (flags.blockPasswordFlow) faults.blockPasswordFlow = true
  return Object.keys(faults).length > 0 ? faults : undefined
}
