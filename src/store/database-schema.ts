// Row types of the store's tables, as Kysely sees them. Booleans are integers (0/1) and times
// are ISO strings so the same migrations run on SQLite and PostgreSQL. The tables of the queue,
// the scheduler and the Bulk journal (times in epoch milliseconds) are in job-schema.ts.
import type { Generated } from 'kysely'
import type { BulkJobRow, QueueJobAttemptRow, QueueJobRow, ScheduleRow } from './job-schema.js'

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
  /**
   * api_key: hex SHA-256 of the key. basic: the password's scrypt hash. jwt: empty. The key or
   * password itself is never stored.
   */
  key_hash: string
  /** JSON of the kind's non-secret settings (basic: username; jwt: algorithm, issuer, ...). */
  config: string | null
  /** jwt HS256: the shared secret, sealed (it must be read back to verify signatures). */
  secret_enc: string | null
  created_at: string
  updated_at: string | null
}

export interface ChannelRow {
  id: string
  method: string
  path: string
  service: string
  security_definition_id: string | null
  /** Requests allowed per rate_window_seconds across all callers; null: no limit. */
  rate_limit: number | null
  rate_window_seconds: number | null
  /** The service's time budget per request; null: the server default. */
  timeout_ms: number | null
  /** Largest request body; null: the server default. */
  max_body_bytes: number | null
  created_at: string
  updated_at: string | null
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

export interface ClusterNodeRow {
  id: string
  host: string
  port: number
  version: string
  started_at: string
  last_heartbeat_at: string
  /** JSON array of service names. */
  services: string
}

export interface ServiceFileRow {
  name: string
  /** Null for a removed file (a tombstone every node acts on). */
  content: string | null
  sha256: string | null
  version: number
  deployed_at: string
  deployed_by: string
}

export interface DatabaseSchema {
  cluster_nodes: ClusterNodeRow
  service_files: ServiceFileRow
  admin_users: AdminUserRow
  audit_log: AuditLogRow
  connections: ConnectionRow
  security_definitions: SecurityDefinitionRow
  channels: ChannelRow
  settings: SettingRow
  queue_jobs: QueueJobRow
  queue_job_attempts: QueueJobAttemptRow
  scheduler_schedules: ScheduleRow
  bulk_jobs: BulkJobRow
}
