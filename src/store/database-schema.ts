// Row types of the store's tables, as Kysely sees them. Booleans are integers (0/1) and times
// are ISO strings so the same migrations run on SQLite and PostgreSQL.
import type { Generated } from 'kysely'

export interface ConnectionRow {
  id: string
  name: string
  active: number
  login_url: string
  api_version: string
  auth_flow: string
  username: string | null
  client_id: string | null
  password_enc: string | null
  security_token_enc: string | null
  client_secret_enc: string | null
  private_key_enc: string | null
  refresh_token_enc: string | null
  created_at: string
  updated_at: string
}

export interface SecurityDefinitionRow {
  id: string
  name: string
  kind: string
  /** Hex SHA-256 of the API key; the key itself is never stored. */
  key_hash: string
  created_at: string
}

export interface ChannelRow {
  id: string
  method: string
  path: string
  service: string
  security_definition_id: string | null
  created_at: string
}

export interface SettingRow {
  key: string
  value: string
  encrypted: Generated<number>
  updated_at: string
}

export interface AdminUserRow {
  id: string
  name: string
  /** `scrypt$N$r$p$salt$hash`; the password itself is never stored. */
  password_hash: string
  created_at: string
  updated_at: string
}

export interface AuditLogRow {
  id: Generated<number>
  at: string
  actor: string
  action: string
  target: string
  /** JSON of non-secret details, or null. */
  detail: string | null
}

export interface DatabaseSchema {
  admin_users: AdminUserRow
  audit_log: AuditLogRow
  connections: ConnectionRow
  security_definitions: SecurityDefinitionRow
  channels: ChannelRow
  settings: SettingRow
}
