// `forcebridge emulator`: the Salesforce emulator alone, with fault injection and a Bulk pace
// from flags; bad flags are refused before anything listens.
import type { Command } from 'commander'
import { resolve } from 'node:path'
import { ForcebridgeError } from '../util/index.js'
import { closeOnSignal, demoOrg, listening, loadEmulator } from './server-lifecycle.js'

export function emulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('run the Salesforce emulator alone')
    .option('-p, --port <port>', 'port (default FORCEBRIDGE_EMULATOR_PORT or 8401)')
    .option('--pubsub-port <port>', 'port of the Pub/Sub API (gRPC; default: a free port)')
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
      '--require-admin-token',
      'ask for the admin token (printed at start) on /__emulator/ even on loopback',
    )
    .option(
      '--tls',
      'serve HTTPS with a self-signed certificate made at first start (kept in --data, else temporary)',
    )
    .option(
      '--bulk-rows-per-second <n>',
      'process Bulk API 2.0 ingest jobs at this pace, to watch them sit InProgress (default: at once)',
    )
    .action(async (flags: EmulatorFlags) => {
      const { loadConfig } = await import('../runtime/config/index.js')
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
      const pubsubPort = flags.pubsubPort === undefined ? 0 : Number(flags.pubsubPort)
      if (!Number.isInteger(pubsubPort) || pubsubPort < 0 || pubsubPort > 65535) {
        throw new ForcebridgeError(
          'INVALID_ARGUMENTS',
          `--pubsub-port ${flags.pubsubPort}: must be a port number between 0 and 65535`,
        )
      }
      const { startEmulator } = await loadEmulator()
      const emulator = await listening(
        'emulator',
        '--port or FORCEBRIDGE_EMULATOR_PORT',
        port,
        () =>
          startEmulator({
            host: config.host,
            port,
            limits: config.serverLimits,
            ...(flags.org ? { org: resolve(flags.org) } : demoOrg()),
            ...(flags.data ? { dataDir: resolve(flags.data) } : {}),
            ...(flags.seed !== undefined ? { seed: seedOf(flags.seed) } : {}),
            ...(bulk ? { bulk } : {}),
            ...(flags.requireAdminToken ? { requireAdminToken: true } : {}),
            ...(flags.tls ? { tls: true } : {}),
            pubsub: { port: pubsubPort },
          }),
        config.host,
      )
      if (faults) emulator.faults.set(faults)
      if (flags.spendDailyLimit) emulator.limits.spend()
      closeOnSignal([() => emulator.close()], (m) => console.error(m))
      console.log(`Salesforce emulator listening on ${emulator.url} (Ctrl-C to stop)`)
      // Node clients trust a self-signed certificate only when told to, at their start.
      if (emulator.tls) {
        console.log(`TLS certificate (self-signed): ${emulator.tls.certFile}`)
        console.log(
          `trust it in Node clients with: NODE_EXTRA_CA_CERTS=${emulator.tls.certFile} (set before node starts)`,
        )
      }
      console.log(`Pub/Sub API (gRPC, plaintext) on ${emulator.pubsubEndpoint}`)
      // Off loopback the admin API is closed without its token, so the operator needs it.
      if (emulator.adminTokenRequired)
        console.log(`admin API token (X-Emulator-Admin-Token): ${emulator.adminToken}`)
      if (bulk) console.log(`bulk ingest pace: ${flags.bulkRowsPerSecond} rows a second`)
      if (faults || flags.spendDailyLimit) {
        console.log(
          `fault injection: ${JSON.stringify({ ...faults, spendDailyLimit: flags.spendDailyLimit === true })}`,
        )
      }
    })
}

function seedOf(text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n))
    throw new ForcebridgeError('INVALID_ARGUMENTS', `--seed ${text}: must be a whole number`)
  return n
}

interface EmulatorFlags {
  port?: string
  pubsubPort?: string
  org?: string
  data?: string
  seed?: string
  latency?: string
  fail?: string[]
  expireSessionsEvery?: string
  blockPasswordFlow?: boolean
  spendDailyLimit?: boolean
  requireAdminToken?: boolean
  bulkRowsPerSecond?: string
  tls?: boolean
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
