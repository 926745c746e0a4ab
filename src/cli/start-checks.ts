// What `forcebridge start` checks and tells an operator: a master key that opens the stored
// secrets, the first admin user (how to make one, or made from FORCEBRIDGE_ADMIN_PASSWORD), and
// services folders with nothing to run.
import { readdirSync } from 'node:fs'
import type { Logger } from 'pino'
import { firstAdminUser } from '../admin/index.js'
import { isServiceFileName } from '../runtime/index.js'
import type { Store } from '../store/index.js'

/**
 * Opens the secrets of one connection that has any, so a master key other than the one they were
 * sealed with stops the start (SECRET_KEY_MISMATCH) instead of failing every later login.
 */
export async function checkMasterKey(store: Store): Promise<void> {
  const sealed = (await store.connections.list()).find((c) =>
    Object.values(c.secrets).some(Boolean),
  )
  if (sealed) await store.connections.credentials(sealed.name)
}

/** Creates the first admin user from the environment, or says in one line how to make one. */
export async function adminUserAtStart(
  store: Store,
  log: Logger,
  first: { name: string; password: string } | undefined,
): Promise<void> {
  const found = await firstAdminUser(store, first)
  if (found.state === 'created') {
    log.info({ adminUser: found.name }, 'admin user created from FORCEBRIDGE_ADMIN_PASSWORD')
  } else if (found.state === 'none') {
    log.warn(
      'no admin user yet, so nobody can sign in to the dashboard: make one with `forcebridge admin user add <name>`, or set FORCEBRIDGE_ADMIN_PASSWORD (and FORCEBRIDGE_ADMIN_USER, default admin) before the next start',
    )
  } else if (first) {
    // Said once, so an operator who changed the variable does not expect a new password.
    log.info(
      { adminUsers: found.count },
      'FORCEBRIDGE_ADMIN_PASSWORD left unused: admin users exist already; change a password with `forcebridge admin user passwd <name>`',
    )
  }
}

/** One warning per services folder that is missing or holds no service file. */
export function warnAboutServiceFolders(folders: string[], log: Logger): void {
  for (const folder of folders) {
    let names: string[]
    try {
      names = readdirSync(folder)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      log.warn(
        { folder },
        code === 'ENOENT'
          ? 'the services folder does not exist, so no service runs from it; create it (services added to it later load at once) or name another with --services'
          : `the services folder cannot be read (${code ?? String(err)}); check its permissions`,
      )
      continue
    }
    if (!names.some(isServiceFileName)) {
      log.warn(
        { folder },
        'the services folder holds no service file (*.ts, *.js), so no service runs from it yet; add one there, or deploy one with `forcebridge deploy <file>`',
      )
    }
  }
}
