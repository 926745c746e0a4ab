// Where the master key comes from: FORCEBRIDGE_SECRET_KEY (base64 of 32 bytes) when set,
// otherwise a key file generated once in FORCEBRIDGE_HOME with mode 0600.
import { randomBytes } from 'node:crypto'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ForcebridgeError } from '../util/index.js'
import { masterKey, type MasterKey } from './secret-box.js'

export const SECRET_KEY_FILE = 'secret.key'

/** Decodes a base64 master key; the error names the setting it came from. */
export function parseMasterKey(base64: string, source: string): MasterKey {
  const text = base64.trim()
  const bytes = Buffer.from(text, 'base64')
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) || bytes.length !== 32) {
    throw new ForcebridgeError(
      'INVALID_SECRET_KEY',
      `${source} must be base64 of exactly 32 bytes (got ${bytes.length} bytes); create one with \`openssl rand -base64 32\``,
    )
  }
  return masterKey(bytes)
}

/**
 * Loads the master key: `secretKey` (from FORCEBRIDGE_SECRET_KEY) if given, else
 * `<home>/secret.key`, created on first use. The home folder must already exist.
 */
export function loadMasterKey(home: string, secretKey?: string): MasterKey {
  if (secretKey !== undefined && secretKey !== '') {
    return parseMasterKey(secretKey, 'FORCEBRIDGE_SECRET_KEY')
  }
  const file = join(home, SECRET_KEY_FILE)
  try {
    return parseMasterKey(readFileSync(file, 'utf8'), file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  // 'wx' fails if another process created the file meanwhile; then read theirs.
  try {
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
    chmodSync(file, 0o600)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  return parseMasterKey(readFileSync(file, 'utf8'), file)
}
