// The first process to open a store leaves a value sealed under its master key; every later one
// must open it. Without this, a process with another key would start on a store that holds no
// secret yet and seal new ones under its own key, and each node of a cluster would read only
// what it wrote itself: a failure found at the first login on another node, long after start.
import { ForcebridgeError, hasCode } from '../util/index.js'
import type { SettingRepository } from './setting-repository.js'

/** The setting that holds the check value (sealed; copied with the rest by `db copy`). */
export const MASTER_KEY_CHECK = 'store.master-key-check'

/** Leaves the check value on a new store, or opens it; SECRET_KEY_MISMATCH when it cannot. */
export async function verifyMasterKey(
  settings: SettingRepository,
  location: string,
): Promise<void> {
  try {
    // Read first: only the first open of a store writes (no write lock taken on every open).
    if ((await settings.get(MASTER_KEY_CHECK)) !== undefined) return
    await settings.getOrCreate(MASTER_KEY_CHECK, 'forcebridge master key check', { secret: true })
  } catch (cause) {
    if (!hasCode(cause, 'SECRET_KEY_MISMATCH') && !hasCode(cause, 'SECRET_UNREADABLE')) throw cause
    throw new ForcebridgeError(
      'SECRET_KEY_MISMATCH',
      `the store at ${location} was first opened with another master key, so this process could ` +
        'not open its secrets nor seal new ones the others can read; every process on one store ' +
        '(each node of a cluster, and the CLI beside them) needs the same key: set ' +
        'FORCEBRIDGE_SECRET_KEY (or FORCEBRIDGE_HOME/secret.key) to the one the store was made with',
      { cause },
    )
  }
}
