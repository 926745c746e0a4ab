// Admin users of the dashboard and the admin API. Passwords are kept only as scrypt hashes with a
// random salt per user, and checked in constant time.
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { ForcebridgeError } from '../util/index.js'
import type { DatabaseSchema } from './database-schema.js'
import { hashPassword, MIN_PASSWORD, verifyPassword } from './password-hash.js'

export interface AdminUserInfo {
  id: string
  name: string
  createdAt: string
  updatedAt: string
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
