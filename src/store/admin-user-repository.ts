// Admin users of the dashboard and the admin API. Passwords are kept only as scrypt hashes with a
// random salt per user, and checked in constant time.
import { randomBytes, randomUUID, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import type { Kysely } from 'kysely'
import { ForcebridgeError } from '../util/index.js'
import type { DatabaseSchema } from './database-schema.js'

export interface AdminUserInfo {
  id: string
  name: string
  createdAt: string
  updatedAt: string
}

// OWASP's scrypt baseline (N=2^17, r=8, p=1) costs ~128 MiB per hash; 2^15 keeps a sign-in
// under ~100 ms on a small machine while staying far above what a GPU cracks cheaply.
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const
const KEY_LENGTH = 32
const MIN_PASSWORD = 8

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, opts, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>`: the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, PARAMS)
  return [
    'scrypt',
    PARAMS.N,
    PARAMS.r,
    PARAMS.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$')
}

/** True when `password` matches `stored`; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$')
  if (kind !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

// A fixed hash to check against when the user does not exist, so both cases take the same time.
let decoy: Promise<string> | undefined

export class AdminUserRepository {
  readonly #db: Kysely<DatabaseSchema>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db
  }

  async list(): Promise<AdminUserInfo[]> {
    const rows = await this.#db.selectFrom('admin_users').selectAll().orderBy('name').execute()
    return rows.map(toInfo)
  }

  async find(name: string): Promise<AdminUserInfo | undefined> {
    const row = await this.#db
      .selectFrom('admin_users')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
    return row && toInfo(row)
  }

  /** Creates the user, or sets the password of an existing one. */
  async setPassword(name: string, password: string): Promise<AdminUserInfo> {
    const trimmed = name.trim()
    if (!trimmed || trimmed.length > 120 || /\p{Cc}/u.test(trimmed)) {
      throw new ForcebridgeError(
        'INVALID_ADMIN_USER',
        'an admin user name must be 1 to 120 characters without control characters',
      )
    }
    if (password.length < MIN_PASSWORD) {
      throw new ForcebridgeError(
        'INVALID_ADMIN_USER',
        `the password of admin user '${trimmed}' must be at least ${MIN_PASSWORD} characters`,
      )
    }
    const hash = await hashPassword(password)
    const now = new Date().toISOString()
    const existing = await this.find(trimmed)
    if (existing) {
      await this.#db
        .updateTable('admin_users')
        .set({ password_hash: hash, updated_at: now })
        .where('id', '=', existing.id)
        .execute()
      return { ...existing, updatedAt: now }
    }
    const row = {
      id: randomUUID(),
      name: trimmed,
      password_hash: hash,
      created_at: now,
      updated_at: now,
    }
    await this.#db.insertInto('admin_users').values(row).execute()
    return toInfo(row)
  }

  /** The user when `password` is theirs; undefined otherwise (unknown user or wrong password). */
  async verify(name: string, password: string): Promise<AdminUserInfo | undefined> {
    const row = await this.#db
      .selectFrom('admin_users')
      .selectAll()
      .where('name', '=', name.trim())
      .executeTakeFirst()
    if (!row) {
      decoy ??= hashPassword(randomUUID())
      await verifyPassword(password, await decoy)
      return undefined
    }
    return (await verifyPassword(password, row.password_hash)) ? toInfo(row) : undefined
  }

  async remove(name: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('admin_users')
      .where('name', '=', name)
      .executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  }
}

function toInfo(row: {
  id: string
  name: string
  created_at: string
  updated_at: string
}): AdminUserInfo {
  return { id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at }
}
