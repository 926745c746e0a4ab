// What the long-running commands share: closing everything on SIGINT/SIGTERM, a clear line when
// a port is taken, and loading the emulator (big) only in the commands that run it.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../runtime/index.js'
import { ForcebridgeError } from '../util/index.js'

export type Closer = () => Promise<void>

/** Beyond the drain timeout, how long closing may take before the process exits anyway. */
const CLOSE_GRACE_MS = 10_000

/**
 * Closes everything on the first SIGINT/SIGTERM (the services server first lets running
 * invocations finish, up to `drainMs`); a second signal exits at once, and so does a close that
 * hangs past the drain timeout plus a grace period.
 */
export function closeOnSignal(closers: Closer[], log: (msg: string) => void, drainMs = 0): void {
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

/** The emulator is big; only the commands that run it load it. */
export function loadEmulator() {
  return import('../emulator/index.js')
}

/** examples/demo-org.yaml; the emulator's built-in copy of it when the file is not there. */
export function demoOrg(): { org?: string } {
  const file = join(packageRoot(), 'examples', 'demo-org.yaml')
  return existsSync(file) ? { org: file } : {}
}

/** Turns "address in use" into a line that names the setting to change. */
export async function listening<T>(
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
