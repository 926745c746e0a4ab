// What most commands need: settings parsed once, the store opened, and a logger for clients
// that stays quiet on the terminal unless FORCEBRIDGE_LOG_LEVEL asks for more.
import { createLogger, loadConfig, type Config } from '../runtime/index.js'
import { openStore, type Store } from '../store/index.js'
import type { Logger } from 'pino'

export interface CliContext {
  config: Config
  store: Store
  log: Logger
}

/** Runs `fn` with the store open, closing it afterwards. */
export async function withStore<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const store = await openStore({
    home: config.home,
    ...(config.secretKey ? { secretKey: config.secretKey } : {}),
  })
  // Command output goes to stdout; client logs (JSON) go to stderr. A one-shot command
  // shows warnings and worse by default, so its own output stays readable.
  const log = createLogger({
    level: config.logLevel === 'info' ? 'warn' : config.logLevel,
    destination: process.stderr,
  })
  try {
    return await fn({ config, store, log })
  } finally {
    await store.close()
  }
}
