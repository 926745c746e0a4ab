// Encryption at rest for secrets in the store: AES-256-GCM with a random 12-byte IV per value,
// the auth tag, and a key-id prefix so a master key can be rotated while old values still open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { ForcebridgeError } from '../util/index.js'

const FORMAT = 'fb1'

/** A 32-byte AES key and the short id written in front of every value it seals. */
export interface MasterKey {
  id: string
  key: Buffer
}

/** Builds a MasterKey; its id is derived from the key so no one has to name it. */
export function masterKey(key: Buffer): MasterKey {
  if (key.length !== 32) {
    throw new ForcebridgeError(
      'INVALID_SECRET_KEY',
      `the master key is ${key.length} bytes; it must be 32 bytes (base64 of 32 random bytes, e.g. \`openssl rand -base64 32\`)`,
    )
  }
  const id = createHash('sha256').update(key).digest('hex').slice(0, 8)
  return { id, key }
}

/**
 * Seals and opens secrets. `current` seals; `current` and every key in `previous` open, so
 * values sealed before a rotation stay readable until they are re-sealed.
 *
 * `context` (e.g. `connection:<id>:password`) is bound as additional authenticated data,
 * so a ciphertext copied from one row or field into another does not open.
 */
export class SecretBox {
  readonly #current: MasterKey
  readonly #keys: Map<string, MasterKey>

  constructor(current: MasterKey, previous: MasterKey[] = []) {
    this.#current = current
    this.#keys = new Map([...previous, current].map((k) => [k.id, k]))
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv)
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    const tag = cipher.getAuthTag()
    return [FORMAT, this.#current.id, b64(iv), b64(data), b64(tag)].join('.')
  }

  open(sealed: string, context: string): string {
    const [format, keyId, iv, data, tag] = sealed.split('.')
    if (format !== FORMAT || !keyId || iv === undefined || data === undefined || !tag) {
      throw new ForcebridgeError(
        'SECRET_UNREADABLE',
        `a stored secret (${context}) is not in a known format; re-enter it`,
      )
    }
    const key = this.#keys.get(keyId)
    if (!key) {
      throw new ForcebridgeError(
        'SECRET_KEY_MISMATCH',
        `a stored secret (${context}) was sealed with master key ${keyId}, which is not loaded; set FORCEBRIDGE_SECRET_KEY (or FORCEBRIDGE_HOME/secret.key) to that key, or re-enter the secret`,
      )
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      const plain = Buffer.concat([
        decipher.update(Buffer.from(data, 'base64url')),
        decipher.final(),
      ])
      return plain.toString('utf8')
    } catch (cause) {
      throw new ForcebridgeError(
        'SECRET_UNREADABLE',
        `a stored secret (${context}) failed its integrity check; it was altered or moved; re-enter it`,
        { cause },
      )
    }
  }

  /** True when `sealed` was sealed with an older key and should be re-sealed. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.#current.id
  }
}

function b64(buf: Buffer): string {
  return buf.toString('base64url')
}
