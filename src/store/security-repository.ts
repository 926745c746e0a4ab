// Security definitions for channels, of three kinds:
//   api_key  a key sent as `X-API-Key` or `Authorization: Bearer`; stored only as its SHA-256
//            hash (a random 32-byte key needs no slow hash) and shown once, when made.
//   basic    HTTP Basic with one username and password; the password kept as a scrypt hash.
//   jwt      a bearer JWT signed HS256 with a shared secret (kept sealed: verifying needs it) or
//            RS256 with a public key (PEM or certificate) or a JWKS URL; optional iss/aud checks.
// list/get never return a secret; `material()` hands the runtime what it needs to verify.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { importSPKI, importX509 } from 'jose'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { ForcebridgeError } from '../util/index.js'
import type { DatabaseSchema, SecurityDefinitionRow } from './database-schema.js'
import { hashPassword, MIN_PASSWORD, verifyPassword } from './password-hash.js'
import type { SecretBox } from './secret-box.js'
import type { StoreRevision } from './store-revision.js'

export const SECURITY_KINDS = ['api_key', 'basic', 'jwt'] as const
export type SecurityKind = (typeof SECURITY_KINDS)[number]
export const JWT_ALGORITHMS = ['HS256', 'RS256'] as const
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number]

interface Base {
  id: string
  name: string
  createdAt: string
  updatedAt: string
}

export interface JwtSettings {
  algorithm: JwtAlgorithm
  /** RS256: the public key as PEM (SPKI `PUBLIC KEY` or an X.509 `CERTIFICATE`). */
  publicKey: string | null
  /** RS256: where the signing keys are published (instead of publicKey). */
  jwksUrl: string | null
  /** When set, a token's `iss` must equal it. */
  issuer: string | null
  /** When set, a token's `aud` must contain it. */
  audience: string | null
}

/** A definition as list/get return it: never a key, password or secret. */
export type SecurityDefinitionInfo =
  | (Base & { kind: 'api_key' })
  | (Base & { kind: 'basic'; username: string })
  | (Base & { kind: 'jwt' } & JwtSettings & { hasSecret: boolean })

/** What the runtime needs to check a credential. Internal: never log or return it. */
export type SecurityMaterial =
  | { id: string; kind: 'api_key'; keyHash: string }
  | { id: string; kind: 'basic'; username: string; passwordHash: string }
  | ({ id: string; kind: 'jwt'; secret: string | null } & JwtSettings)

const name = z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters')
const optionalText = z
  .string()
  .trim()
  .max(2000)
  .nullish()
  .transform((v) => (v ? v : null))

const apiKeyInput = z.object({
  kind: z.literal('api_key'),
  name,
  /** Left out: a random key is made. */
  key: z.string().min(16, 'must be at least 16 characters').max(500).optional(),
})

const basicInput = z.object({
  kind: z.literal('basic'),
  name,
  username: z
    .string()
    .min(1, 'is required')
    .max(200)
    .refine((u) => !u.includes(':'), 'must not contain a colon (HTTP Basic splits on it)'),
  password: z.string().min(MIN_PASSWORD, `must be at least ${MIN_PASSWORD} characters`).max(1000),
})

const jwtInput = z.object({
  kind: z.literal('jwt'),
  name,
  algorithm: z.enum(JWT_ALGORITHMS),
  // RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits).
  secret: z.string().min(32, 'must be at least 32 characters for HS256').max(4096).optional(),
  publicKey: optionalText,
  jwksUrl: z
    .string()
    .trim()
    .url('must be a URL')
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .nullish()
    .transform((v) => v ?? null),
  issuer: optionalText,
  audience: optionalText,
})

export const securityDefinitionInput = z.discriminatedUnion('kind', [
  apiKeyInput,
  basicInput,
  jwtInput,
])
export type SecurityDefinitionInput = z.input<typeof securityDefinitionInput>

/** Changes to a definition: fields left out keep their value; a secret left out keeps the stored one. */
export interface SecurityDefinitionChanges {
  name?: string
  /** api_key: a new key (`rotate: true` makes a random one). */
  key?: string
  rotate?: boolean
  /** basic */
  username?: string
  password?: string
  /** jwt */
  algorithm?: JwtAlgorithm
  secret?: string
  publicKey?: string | null
  jwksUrl?: string | null
  issuer?: string | null
  audience?: string | null
}

export interface SecurityWriteResult {
  definition: SecurityDefinitionInfo
  /** api_key only, when a key was made or replaced: shown this once. */
  key?: string
}

function invalid(issues: z.core.$ZodIssue[]): ForcebridgeError {
  const lines = issues.map((i) => `${i.path.join('.') || 'definition'} ${i.message}`)
  return new ForcebridgeError(
    'INVALID_SECURITY',
    `invalid security definition: ${lines.join('; ')}`,
  )
}

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

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** Refuses a public key jose cannot use for RS256, with a message that says what to give. */
async function checkPublicKey(pem: string): Promise<void> {
  try {
    if (pem.includes('BEGIN CERTIFICATE')) await importX509(pem, 'RS256')
    else await importSPKI(pem, 'RS256')
  } catch {
    throw new ForcebridgeError(
      'INVALID_SECURITY',
      'invalid security definition: publicKey is not an RSA public key; give a PEM "PUBLIC KEY" (SPKI) or "CERTIFICATE"',
    )
  }
}

function parseConfig(row: SecurityDefinitionRow): Record<string, unknown> {
  if (!row.config) return {}
  try {
    return JSON.parse(row.config) as Record<string, unknown>
  } catch {
    return {}
  }
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null
}

function toInfo(row: SecurityDefinitionRow): SecurityDefinitionInfo {
  const base: Base = {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at ?? row.created_at,
  }
  const config = parseConfig(row)
  if (row.kind === 'basic') return { ...base, kind: 'basic', username: text(config.username) ?? '' }
  if (row.kind === 'jwt') {
    return {
      ...base,
      kind: 'jwt',
      algorithm: config.algorithm === 'RS256' ? 'RS256' : 'HS256',
      publicKey: text(config.publicKey),
      jwksUrl: text(config.jwksUrl),
      issuer: text(config.issuer),
      audience: text(config.audience),
      hasSecret: row.secret_enc !== null,
    }
  }
  return { ...base, kind: 'api_key' }
}
