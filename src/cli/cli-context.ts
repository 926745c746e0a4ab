// What most commands need: settings parsed once, the store opened, and a logger for clients
// that stays silent on the terminal unless --verbose or FORCEBRIDGE_LOG_LEVEL asks for it.
import type { Config } from '../runtime/index.js'
import type { Store } from '../store/index.js'
import type { Logger } from 'pino'

export interface CliContext {
  config: Config
  store: Store
  log: Logger
}

// Set from the global --verbose flag before each command runs (see main.ts).
let verbose = false

/** Records the global --verbose flag of the command about to run. */
export function setVerbose(on: boolean): void {
  verbose = on
}

/**
 * The log level of a command: --verbose shows everything down to debug; otherwise
 * FORCEBRIDGE_LOG_LEVEL when set; otherwise `fallback` (silent for one-shot commands, whose
 * output is for people; info for the servers, whose log is their output).
 */
export function logLevelOf(config: Config, fallback: string): string {
  if (verbose) return 'debug'
  return config.logLevelGiven ? config.logLevel : fallback
}

/** Runs `fn` with the store open, closing it afterwards. */
export async function withStore<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  // The runtime's settings and logging faces, not its whole face (see main.ts: start time).
  const { loadConfig, storeOptionsOf } = await import('../runtime/config/index.js')
  const { createLogger } = await import('../runtime/logging/index.js')
  const { openStore } = await import('../store/index.js')
  const config = loadConfig()
  // Command output goes to stdout; log lines (JSON), when asked for, go to stderr.
  const log = createLogger({ level: logLevelOf(config, 'silent'), destination: process.stderr })
  const store = await openStore({ ...storeOptionsOf(config), warn: (m) => log.warn(m) })
  try {
    return await fn({ config, store, log })
  } finally {
    await store.close()
  }
}
