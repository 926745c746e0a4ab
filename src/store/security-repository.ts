// Security definitions for channels, of three kinds:
//   api_key  a key sent as `X-API-Key` or `Authorization: Bearer`; stored only as its SHA-256
//            hash (a random 32-byte key needs no slow hash) and shown once, when made.
//   basic    HTTP Basic with one username and password; the password kept as a scrypt hash.
//   jwt      a bearer JWT signed HS256 with a shared secret (kept sealed: verifying needs it) or
//            RS256 with a public key (PEM or certificate) or a JWKS URL; optional iss/aud checks.
// list/get never return a secret; `material()` hands the runtime what it needs to verify.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { ForcebridgeError } from '../util/index.js'
import type { DatabaseSchema, SecurityDefinitionRow } from './database-schema.js'
import { hashPassword, verifyPassword } from './password-hash.js'
import type { SecretBox } from './secret-box.js'
import {
  basicInput,
  checkPublicKey,
  hashApiKey,
  invalid,
  parseConfig,
  securityDefinitionInput,
  toInfo,
  type JwtSettings,
  type SecurityDefinitionChanges,
  type SecurityDefinitionInfo,
  type SecurityDefinitionInput,
  type SecurityMaterial,
  type SecurityWriteResult,
} from './security-definition.js'
import type { StoreRevision } from './store-revision.js'

export class SecurityRepository {
  readonly #db: Kysely<DatabaseSchema>
  readonly #box: SecretBox
  readonly #revision: StoreRevision

  constructor(db: Kysely<DatabaseSchema>, box: SecretBox, revision: StoreRevision) {
    this.#db = db
    this.#box = box
    this.#revision = revision
  }

  async list(): Promise<SecurityDefinitionInfo[]> {
    const rows = await this.#db
      .selectFrom('security_definitions')
      .selectAll()
      .orderBy('name')
      .execute()
    return rows.map(toInfo)
  }

  async get(id: string): Promise<SecurityDefinitionInfo | undefined> {
    const row = await this.#row(id)
    return row && toInfo(row)
  }

  async find(name: string): Promise<SecurityDefinitionInfo | undefined> {
    const row = await this.#db
      .selectFrom('security_definitions')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
    return row && toInfo(row)
  }

  /** Creates a definition of any kind. An API key made here is returned this once. */
  async create(raw: SecurityDefinitionInput): Promise<SecurityWriteResult> {
    const parsed = securityDefinitionInput.safeParse(raw)
    if (!parsed.success) throw invalid(parsed.error.issues)
    const input = parsed.data
    if (await this.find(input.name)) {
      throw new ForcebridgeError(
        'SECURITY_EXISTS',
        `security definition '${input.name}' already exists; edit it or pick another name`,
      )
    }
    const id = randomUUID()
    const now = new Date().toISOString()
    const { columns, key } = await this.#columns(id, input)
    const row: SecurityDefinitionRow = {
      id,
      name: input.name,
      ...columns,
      created_at: now,
      updated_at: now,
    }
    await this.#db.insertInto('security_definitions').values(row).execute()
    this.#revision.bump()
    return { definition: toInfo(row), ...(key ? { key } : {}) }
  }

  /**
   * Creates an API key definition. With no `key`, a random one is generated. The key is
   * returned here and never again.
   */
  async createApiKey(
    name: string,
    key?: string,
  ): Promise<{ definition: SecurityDefinitionInfo; key: string }> {
    const result = await this.create({ kind: 'api_key', name, ...(key ? { key } : {}) })
    return { definition: result.definition, key: result.key ?? '' }
  }

  /**
   * Changes a definition in place, so the channels using it keep it. Its kind cannot change
   * (make a new definition and point the channels at it).
   */
  async update(id: string, changes: SecurityDefinitionChanges): Promise<SecurityWriteResult> {
    const row = await this.#row(id)
    if (!row) {
      throw new ForcebridgeError(
        'SECURITY_NOT_FOUND',
        `no security definition with id ${id}; list them with the admin API or the dashboard`,
      )
    }
    const current = toInfo(row)
    const newName = changes.name?.trim() || current.name
    if (newName !== current.name && (await this.find(newName))) {
      throw new ForcebridgeError(
        'SECURITY_EXISTS',
        `security definition '${newName}' already exists; pick another name`,
      )
    }
    let values: Partial<SecurityDefinitionRow>
    let key: string | undefined
    if (current.kind === 'api_key') {
      if (changes.rotate || changes.key) {
        const made = await this.#columns(id, {
          kind: 'api_key',
          name: newName,
          ...(changes.key ? { key: changes.key } : {}),
        })
        values = made.columns
        key = made.key
      } else {
        values = {}
      }
    } else if (current.kind === 'basic') {
      const username = changes.username ?? current.username
      if (changes.password) {
        values = (
          await this.#columns(id, {
            kind: 'basic',
            name: newName,
            username,
            password: changes.password,
          })
        ).columns
      } else {
        // Validate the username alone; the stored hash stays.
        const check = basicInput.shape.username.safeParse(username)
        if (!check.success)
          throw invalid(check.error.issues.map((i) => ({ ...i, path: ['username'] })))
        values = { config: JSON.stringify({ username }) }
      }
    } else {
      const storedSecret = row.secret_enc ? this.#box.open(row.secret_enc, context(id)) : undefined
      const merged = {
        kind: 'jwt' as const,
        name: newName,
        algorithm: changes.algorithm ?? current.algorithm,
        publicKey: changes.publicKey === undefined ? current.publicKey : changes.publicKey,
        jwksUrl: changes.jwksUrl === undefined ? current.jwksUrl : changes.jwksUrl,
        issuer: changes.issuer === undefined ? current.issuer : changes.issuer,
        audience: changes.audience === undefined ? current.audience : changes.audience,
        ...(changes.secret || storedSecret ? { secret: changes.secret || storedSecret } : {}),
      }
      values = (await this.#columns(id, merged)).columns
    }
    await this.#db
      .updateTable('security_definitions')
      .set({ ...values, name: newName, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute()
    this.#revision.bump()
    const updated = (await this.#row(id)) as SecurityDefinitionRow
    return { definition: toInfo(updated), ...(key ? { key } : {}) }
  }

  /** Deletes a definition; refused while a channel uses it. */
  async remove(id: string): Promise<void> {
    const users = await this.#db
      .selectFrom('channels')
      .select(['method', 'path'])
      .where('security_definition_id', '=', id)
      .execute()
    if (users.length > 0) {
      const list = users.map((c) => `${c.method} ${c.path}`).join(', ')
      throw new ForcebridgeError(
        'SECURITY_IN_USE',
        `the security definition is used by ${list}; point those channels elsewhere first`,
      )
    }
    await this.#db.deleteFrom('security_definitions').where('id', '=', id).execute()
    this.#revision.bump()
  }

  /** Every definition with what verifying a credential needs. Internal: never log or return it. */
  async material(): Promise<SecurityMaterial[]> {
    const rows = await this.#db.selectFrom('security_definitions').selectAll().execute()
    return rows.map((row): SecurityMaterial => {
      const info = toInfo(row)
      switch (info.kind) {
        case 'api_key':
          return { id: row.id, kind: 'api_key', keyHash: row.key_hash }
        case 'basic':
          return { id: row.id, kind: 'basic', username: info.username, passwordHash: row.key_hash }
        case 'jwt':
          return {
            id: row.id,
            kind: 'jwt',
            algorithm: info.algorithm,
            publicKey: info.publicKey,
            jwksUrl: info.jwksUrl,
            issuer: info.issuer,
            audience: info.audience,
            secret: row.secret_enc ? this.#box.open(row.secret_enc, context(row.id)) : null,
          }
      }
    })
  }

  /** True when `presented` is the API key of definition `id`. */
  async verifyApiKey(id: string, presented: string): Promise<boolean> {
    const row = await this.#row(id)
    // Hash even when the definition is gone, so timing says nothing about which case it was.
    const presentedHash = Buffer.from(hashApiKey(presented), 'hex')
    const stored = row?.kind === 'api_key' ? row.key_hash : '0'.repeat(64)
    return timingSafeEqual(presentedHash, Buffer.from(stored, 'hex')) && row?.kind === 'api_key'
  }

  /** True when `username` and `password` are those of HTTP Basic definition `id`. */
  async verifyBasic(id: string, username: string, password: string): Promise<boolean> {
    const row = await this.#row(id)
    if (row?.kind !== 'basic') return false
    const ok = await verifyPassword(password, row.key_hash)
    return ok && parseConfig(row).username === username
  }

  async #row(id: string): Promise<SecurityDefinitionRow | undefined> {
    return this.#db
      .selectFrom('security_definitions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
  }

  /** The kind-specific columns for a validated input (hashing, sealing, key checks). */
  async #columns(
    id: string,
    raw: z.input<typeof securityDefinitionInput>,
  ): Promise<{
    columns: Pick<SecurityDefinitionRow, 'kind' | 'key_hash' | 'config' | 'secret_enc'>
    key?: string
  }> {
    const parsed = securityDefinitionInput.safeParse(raw)
    if (!parsed.success) throw invalid(parsed.error.issues)
    const input = parsed.data
    switch (input.kind) {
      case 'api_key': {
        const key = input.key ?? `fb_${randomBytes(24).toString('base64url')}`
        return {
          columns: { kind: 'api_key', key_hash: hashApiKey(key), config: null, secret_enc: null },
          key,
        }
      }
      case 'basic':
        return {
          columns: {
            kind: 'basic',
            key_hash: await hashPassword(input.password),
            config: JSON.stringify({ username: input.username }),
            secret_enc: null,
          },
        }
      case 'jwt': {
        const settings: JwtSettings = {
          algorithm: input.algorithm,
          publicKey: null,
          jwksUrl: null,
          issuer: input.issuer,
          audience: input.audience,
        }
        if (input.algorithm === 'HS256') {
          if (!input.secret) {
            throw invalid([
              {
                code: 'custom',
                path: ['secret'],
                message: 'is required for HS256',
                input: undefined,
              },
            ])
          }
          return {
            columns: {
              kind: 'jwt',
              key_hash: '',
              config: JSON.stringify(settings),
              secret_enc: this.#box.seal(input.secret, context(id)),
            },
          }
        }
        if (!input.publicKey === !input.jwksUrl) {
          throw invalid([
            {
              code: 'custom',
              path: ['publicKey'],
              message: 'or jwksUrl is required for RS256 (give exactly one)',
              input: undefined,
            },
          ])
        }
        if (input.publicKey) await checkPublicKey(input.publicKey)
        return {
          columns: {
            kind: 'jwt',
            key_hash: '',
            config: JSON.stringify({
              ...settings,
              publicKey: input.publicKey,
              jwksUrl: input.jwksUrl,
            }),
            secret_enc: null,
          },
        }
      }
    }
  }
}

function context(id: string): string {
  return `security:${id}:secret`
}
