// What the long-running commands share: closing everything on SIGINT/SIGTERM, a clear line when
// they cannot listen, and loading the emulator (big) only in the commands that run it.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../runtime/package-info/index.js'
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

/**
 * Turns a failure to listen into one line that says why and names the setting to change:
 * a port in use, a port that needs privileges, an address not on this machine, a host name
 * that does not resolve.
 */
export async function listening<T>(
  what: string,
  variable: string,
  port: number,
  start: () => Promise<T>,
  host = '127.0.0.1',
  hostVariable = 'FORCEBRIDGE_HOST',
): Promise<T> {
  try {
    return await start()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const fail = (message: string) => new ForcebridgeError('CANNOT_LISTEN', message, { cause: err })
    if (code === 'EADDRINUSE') {
      throw new ForcebridgeError(
        'PORT_IN_USE',
        `port ${port} is already in use, so the ${what} cannot listen; stop what uses it or set ${variable} to another port`,
        { cause: err },
      )
    }
    if (code === 'EACCES') {
      throw fail(
        `the ${what} is not allowed to listen on port ${port} (ports below 1024 need privileges); set ${variable} to a port above 1023, or give node the capability to bind it`,
      )
    }
    if (code === 'EADDRNOTAVAIL') {
      throw fail(
        `the ${what} cannot listen on ${host}: no network interface of this machine has that address; set ${hostVariable} to one of its addresses, e.g. 127.0.0.1 or 0.0.0.0`,
      )
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
      throw fail(
        `the ${what} cannot listen on ${host}: the host name does not resolve; set ${hostVariable} to an address of this machine, e.g. 127.0.0.1 or 0.0.0.0`,
      )
    }
    throw err
  }
}
