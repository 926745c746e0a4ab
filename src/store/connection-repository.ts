// Connections in the store. Secrets go in sealed and never come back out of list/get;
// only `credentials()` opens them, to build a client.
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { ForcebridgeError } from '../util/index.js'
import {
  parseConnectionInput,
  SECRET_FIELDS,
  type AuthFlow,
  type ConnectionInput,
  type SecretField,
} from './connection-input.js'
import type { ConnectionRow, DatabaseSchema } from './database-schema.js'
import type { SecretBox } from './secret-box.js'
import type { StoreRevision } from './store-revision.js'

/** A connection as list/get return it: no secret, only whether each one is set. */
export interface ConnectionInfo {
  id: string
  name: string
  active: boolean
  loginUrl: string
  apiVersion: string
  authFlow: AuthFlow
  username?: string
  clientId?: string
  secrets: Record<SecretField, boolean>
  createdAt: string
  updatedAt: string
}

/** Everything needed to log in, secrets opened. Internal: never log or return it. */
export interface ConnectionCredentials extends ConnectionInfo {
  password?: string
  securityToken?: string
  clientSecret?: string
  privateKey?: string
  refreshToken?: string
}

const COLUMN: Record<SecretField, keyof ConnectionRow> = {
  password: 'password_enc',
  securityToken: 'security_token_enc',
  clientSecret: 'client_secret_enc',
  privateKey: 'private_key_enc',
  refreshToken: 'refresh_token_enc',
}

export class ConnectionRepository {
  readonly #db: Kysely<DatabaseSchema>
  readonly #box: SecretBox
  readonly #revision: StoreRevision

  constructor(db: Kysely<DatabaseSchema>, box: SecretBox, revision: StoreRevision) {
    this.#db = db
    this.#box = box
    this.#revision = revision
  }

  async list(): Promise<ConnectionInfo[]> {
    const rows = await this.#db.selectFrom('connections').selectAll().orderBy('name').execute()
    return rows.map(toInfo)
  }

  /** The connection called `name`, or undefined. */
  async find(name: string): Promise<ConnectionInfo | undefined> {
    const row = await this.#row(name)
    return row && toInfo(row)
  }

  /** The connection called `name`; CONNECTION_NOT_FOUND when there is none. */
  async get(name: string): Promise<ConnectionInfo> {
    return toInfo(await this.#required(name))
  }

  /** Adds a connection; CONNECTION_EXISTS when the name is taken. */
  async add(raw: unknown): Promise<ConnectionInfo> {
    const input = parseConnectionInput(raw)
    if (await this.#row(input.name)) {
      throw new ForcebridgeError(
        'CONNECTION_EXISTS',
        `connection '${input.name}' already exists; use \`forcebridge connection edit\` to change it`,
      )
    }
    const id = randomUUID()
    const now = new Date().toISOString()
    const row: ConnectionRow = {
      id,
      ...this.#columns(id, input),
      created_at: now,
      updated_at: now,
    }
    await this.#db.insertInto('connections').values(row).execute()
    this.#revision.bump()
    return toInfo(row)
  }

  /**
   * Changes a connection. Fields left out keep their value (secrets included); a secret set
   * to `null` is cleared. The merged result is validated like a new connection.
   */
  async update(name: string, changes: Record<string, unknown>): Promise<ConnectionInfo> {
    const current = await this.credentials(name)
    const merged: Record<string, unknown> = {
      name: current.name,
      active: current.active,
      loginUrl: current.loginUrl,
      apiVersion: current.apiVersion,
      authFlow: current.authFlow,
      username: current.username,
      clientId: current.clientId,
    }
    for (const f of SECRET_FIELDS) merged[f] = current[f]
    for (const [k, v] of Object.entries(changes)) {
      if (v !== undefined) merged[k] = v === null ? undefined : v
    }
    const input = parseConnectionInput(merged)
    if (input.name !== current.name && (await this.#row(input.name))) {
      throw new ForcebridgeError(
        'CONNECTION_EXISTS',
        `cannot rename '${current.name}' to '${input.name}': that name is taken`,
      )
    }
    const values = { ...this.#columns(current.id, input), updated_at: new Date().toISOString() }
    await this.#db.updateTable('connections').set(values).where('id', '=', current.id).execute()
    this.#revision.bump()
    return this.get(input.name)
  }

  /** Removes a connection; CONNECTION_NOT_FOUND when there is none. */
  async remove(name: string): Promise<void> {
    const row = await this.#required(name)
    await this.#db.deleteFrom('connections').where('id', '=', row.id).execute()
    this.#revision.bump()
  }

  /** The connection with its secrets opened, to build a client. */
  async credentials(name: string): Promise<ConnectionCredentials> {
    const row = await this.#required(name)
    const creds: ConnectionCredentials = toInfo(row)
    for (const f of SECRET_FIELDS) {
      const sealed = row[COLUMN[f]]
      if (typeof sealed === 'string') creds[f] = this.#box.open(sealed, context(row.id, f))
    }
    return creds
  }

  #columns(id: string, input: ConnectionInput) {
    const seal = (f: SecretField) => {
      const v = input[f]
      return v === undefined ? null : this.#box.seal(v, context(id, f))
    }
    return {
      name: input.name,
      active: input.active ? 1 : 0,
      login_url: input.loginUrl,
      api_version: input.apiVersion,
      auth_flow: input.authFlow,
      username: input.username ?? null,
      client_id: input.clientId ?? null,
      password_enc: seal('password'),
      security_token_enc: seal('securityToken'),
      client_secret_enc: seal('clientSecret'),
      private_key_enc: seal('privateKey'),
      refresh_token_enc: seal('refreshToken'),
    }
  }

  #row(name: string): Promise<ConnectionRow | undefined> {
    return this.#db
      .selectFrom('connections')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
  }

  async #required(name: string): Promise<ConnectionRow> {
    const row = await this.#row(name)
    if (!row) {
      throw new ForcebridgeError(
        'CONNECTION_NOT_FOUND',
        `connection '${name}' does not exist; list connections with \`forcebridge connection list\``,
      )
    }
    return row
  }
}

function context(id: string, field: SecretField): string {
  return `connection:${id}:${field}`
}

function toInfo(row: ConnectionRow): ConnectionInfo {
  const secrets = Object.fromEntries(
    SECRET_FIELDS.map((f) => [f, row[COLUMN[f]] !== null]),
  ) as Record<SecretField, boolean>
  const info: ConnectionInfo = {
    id: row.id,
    name: row.name,
    active: row.active === 1,
    loginUrl: row.login_url,
    apiVersion: row.api_version,
    authFlow: row.auth_flow as AuthFlow,
    secrets,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
  if (row.username !== null) info.username = row.username
  if (row.client_id !== null) info.clientId = row.client_id
  return info
}
