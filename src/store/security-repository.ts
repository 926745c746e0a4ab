// Security definitions for channels. An API key is stored only as its SHA-256 hash and is
// checked in constant time; the key itself is shown once, when it is created.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import { ForcebridgeError } from '../util/index.js'
import type { DatabaseSchema } from './database-schema.js'

export interface SecurityDefinitionInfo {
  id: string
  name: string
  kind: 'api_key'
  createdAt: string
}

export class SecurityRepository {
  readonly #db: Kysely<DatabaseSchema>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db
  }

  async list(): Promise<SecurityDefinitionInfo[]> {
    const rows = await this.#db
      .selectFrom('security_definitions')
      .selectAll()
      .orderBy('name')
      .execute()
    return rows.map((r) => ({ id: r.id, name: r.name, kind: 'api_key', createdAt: r.created_at }))
  }

  async find(name: string): Promise<SecurityDefinitionInfo | undefined> {
    return (await this.list()).find((d) => d.name === name)
  }

  /**
   * Creates an API key definition. With no `key`, a random one is generated. The key is
   * returned here and never again.
   */
  async createApiKey(
    name: string,
    key?: string,
  ): Promise<{ definition: SecurityDefinitionInfo; key: string }> {
    if (!name.trim())
      throw new ForcebridgeError('INVALID_SECURITY', 'a security definition needs a name')
    if (await this.find(name)) {
      throw new ForcebridgeError('SECURITY_EXISTS', `security definition '${name}' already exists`)
    }
    const apiKey = key ?? `fb_${randomBytes(24).toString('base64url')}`
    if (apiKey.length < 16) {
      throw new ForcebridgeError('INVALID_SECURITY', 'an API key must be at least 16 characters')
    }
    const row = {
      id: randomUUID(),
      name,
      kind: 'api_key',
      key_hash: hashKey(apiKey),
      created_at: new Date().toISOString(),
    }
    await this.#db.insertInto('security_definitions').values(row).execute()
    return {
      definition: { id: row.id, name, kind: 'api_key', createdAt: row.created_at },
      key: apiKey,
    }
  }

  /** True when `presented` is the API key of definition `id`. */
  async verifyApiKey(id: string, presented: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('security_definitions')
      .select('key_hash')
      .where('id', '=', id)
      .executeTakeFirst()
    // Hash even when the definition is gone, so timing says nothing about which case it was.
    const presentedHash = Buffer.from(hashKey(presented), 'hex')
    const expected = Buffer.from(row?.key_hash ?? '0'.repeat(64), 'hex')
    return timingSafeEqual(presentedHash, expected) && row !== undefined
  }
}

function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}
