// The audit log: who changed what, to which target, and when. Callers pass only non-secret
// details; the log is append-only through this API.
import type { Kysely } from 'kysely'
import type { DatabaseSchema } from './database-schema.js'

export interface AuditEntry {
  id: number
  at: string
  /** The admin user (or `token:<name>` for the bearer token) who acted. */
  actor: string
  /** A dotted verb such as `connection.update`. */
  action: string
  /** What was acted on, e.g. a connection name or a job id. */
  target: string
  /** Non-secret facts about the change, such as the names of the fields that changed. */
  detail: Record<string, unknown> | null
}

export interface AuditRecord {
  actor: string
  action: string
  target: string
  detail?: Record<string, unknown>
}

export interface AuditListOptions {
  /** 1 to 500, default 100. */
  limit?: number
  /** Only entries with an id below this one (the next page of a newest-first list). */
  before?: number
  actor?: string
  action?: string
}

export class AuditRepository {
  readonly #db: Kysely<DatabaseSchema>
  readonly #now: () => Date

  constructor(db: Kysely<DatabaseSchema>, now: () => Date = () => new Date()) {
    this.#db = db
    this.#now = now
  }

  async record(entry: AuditRecord): Promise<void> {
    await this.#db
      .insertInto('audit_log')
      .values({
        at: this.#now().toISOString(),
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        detail: entry.detail ? JSON.stringify(entry.detail) : null,
      })
      .execute()
  }

  /** Newest first. */
  async list(options: AuditListOptions = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 500)
    let q = this.#db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit)
    if (options.before !== undefined) q = q.where('id', '<', options.before)
    if (options.actor) q = q.where('actor', '=', options.actor)
    if (options.action) q = q.where('action', '=', options.action)
    const rows = await q.execute()
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      target: r.target,
      detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
    }))
  }
}
