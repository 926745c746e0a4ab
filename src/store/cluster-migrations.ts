// The tables a cluster's nodes share: one row per running node (its heartbeat), and the service
// files deployed to every node. On PostgreSQL a deploy moves the store revision (a trigger, as on
// the configuration tables), so every node hears of it at commit and writes the file out.
import { sql, type Kysely, type Migration } from 'kysely'
import type { DatabaseDialect } from './database.js'

export function clusterMigrations(dialect: DatabaseDialect): Record<string, Migration> {
  return {
    '2026-12-06-10-cluster-nodes': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('cluster_nodes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('port', 'integer', (c) => c.notNull())
          .addColumn('version', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('last_heartbeat_at', 'text', (c) => c.notNull())
          // JSON array of the service names the node serves.
          .addColumn('services', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('service_files')
          .addColumn('name', 'text', (c) => c.primaryKey())
          // Null once removed: the row stays as a tombstone so every node removes its copy.
          .addColumn('content', 'text')
          .addColumn('sha256', 'text')
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('deployed_at', 'text', (c) => c.notNull())
          .addColumn('deployed_by', 'text', (c) => c.notNull())
          .execute()
        if (dialect !== 'postgres') return
        // The function is the revision migration's; one bump per statement.
        await sql`
          create trigger service_files_store_revision
          after insert or update or delete or truncate on service_files
          for each statement execute function forcebridge_bump_store_revision()`.execute(db)
      },
      async down(db: Kysely<unknown>) {
        if (dialect === 'postgres') {
          await sql`drop trigger service_files_store_revision on service_files`.execute(db)
        }
        await db.schema.dropTable('service_files').execute()
        await db.schema.dropTable('cluster_nodes').execute()
      },
    },
  }
}
