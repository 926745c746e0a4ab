// The running nodes of a cluster: each server registers a row when it starts, moves its
// heartbeat every few seconds and removes the row when it closes cleanly. A row whose heartbeat
// is old belongs to a node that died; it is shown as gone, then purged.
import type { Kysely } from 'kysely'
import type { DatabaseSchema } from './database-schema.js'

export interface ClusterNodeInfo {
  id: string
  host: string
  port: number
  version: string
  startedAt: string
  lastHeartbeatAt: string
  services: string[]
}

export class ClusterNodeRepository {
  readonly #db: Kysely<DatabaseSchema>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db
  }

  /** Registers `node`, or moves its heartbeat and services when it is already there. */
  async upsert(node: ClusterNodeInfo): Promise<void> {
    const row = {
      id: node.id,
      host: node.host,
      port: node.port,
      version: node.version,
      started_at: node.startedAt,
      last_heartbeat_at: node.lastHeartbeatAt,
      services: JSON.stringify(node.services),
    }
    await this.#db
      .insertInto('cluster_nodes')
      .values(row)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          last_heartbeat_at: row.last_heartbeat_at,
          services: row.services,
          host: row.host,
          port: row.port,
        }),
      )
      .execute()
  }

  async remove(id: string): Promise<void> {
    await this.#db.deleteFrom('cluster_nodes').where('id', '=', id).execute()
  }

  /** Every registered node, oldest start first. */
  async list(): Promise<ClusterNodeInfo[]> {
    const rows = await this.#db
      .selectFrom('cluster_nodes')
      .selectAll()
      .orderBy('started_at')
      .orderBy('id')
      .execute()
    return rows.map((r) => ({
      id: r.id,
      host: r.host,
      port: r.port,
      version: r.version,
      startedAt: r.started_at,
      lastHeartbeatAt: r.last_heartbeat_at,
      services: JSON.parse(r.services) as string[],
    }))
  }

  /** Deletes the rows whose heartbeat is older than `before` (ISO time); returns how many. */
  async purgeOlderThan(before: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('cluster_nodes')
      .where('last_heartbeat_at', '<', before)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
