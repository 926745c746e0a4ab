// The store's revision row (store_revision): one number that every transaction writing the
// configuration tables moves, so other processes can tell their caches are stale. On PostgreSQL
// triggers move it (every writer, this code or any other, is covered) and announce the new value
// with pg_notify, delivered at commit; SQLite needs neither (PRAGMA data_version does the job),
// so there the table only keeps both dialects' schemas alike.
import { sql, type Kysely, type Migration } from 'kysely'
import type { DatabaseDialect } from './database.js'
import { REVISION_CHANNEL } from './postgres-revision-watcher.js'

/** The tables whose changes invalidate what hot paths cache under the store's revision. */
export const CONFIG_TABLES = ['connections', 'channels', 'security_definitions', 'settings']

export function revisionMigrations(dialect: DatabaseDialect): Record<string, Migration> {
  return {
    '2026-12-05-01-store-revision': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('store_revision')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('revision', 'bigint', (c) => c.notNull())
          .execute()
        await sql`insert into store_revision (id, revision) values (1, 0)`.execute(db)
        if (dialect !== 'postgres') return
        // Statement-level: one bump per statement, however many rows it touched. pg_notify
        // inside the transaction is sent at commit, and never for one rolled back.
        await sql`
          create function forcebridge_bump_store_revision() returns trigger
          language plpgsql as $$
          declare
            bumped bigint;
          begin
            update store_revision set revision = revision + 1 where id = 1
              returning revision into bumped;
            perform pg_notify(${sql.lit(REVISION_CHANNEL)}, bumped::text);
            return null;
          end
          $$`.execute(db)
        for (const table of CONFIG_TABLES) {
          await sql`
            create trigger ${sql.id(`${table}_store_revision`)}
            after insert or update or delete or truncate on ${sql.table(table)}
            for each statement execute function forcebridge_bump_store_revision()`.execute(db)
        }
      },
      async down(db: Kysely<unknown>) {
        if (dialect === 'postgres') {
          for (const table of CONFIG_TABLES) {
            await sql`drop trigger ${sql.id(`${table}_store_revision`)} on ${sql.table(table)}`.execute(
              db,
            )
          }
          await sql`drop function forcebridge_bump_store_revision()`.execute(db)
        }
        await db.schema.dropTable('store_revision').execute()
      },
    },
  }
}
