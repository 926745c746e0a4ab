// The store's first tables (connections, channels, security, settings, admin users, audit), in
// code so they ship inside the package. Written with Kysely's schema builder and portable types
// only (text, integer); where a dialect needs other DDL (an auto-numbered key), the migration
// branches on the dialect it is given. migrate-database.ts runs them with the others as one set.
import type { Kysely, Migration } from 'kysely'
import type { DatabaseDialect } from './database.js'

export function storeMigrations(dialect: DatabaseDialect): Record<string, Migration> {
  return {
    '0001_connections_channels_security': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('connections')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('active', 'integer', (c) => c.notNull())
          .addColumn('login_url', 'text', (c) => c.notNull())
          .addColumn('api_version', 'text', (c) => c.notNull())
          .addColumn('auth_flow', 'text', (c) => c.notNull())
          .addColumn('username', 'text')
          .addColumn('client_id', 'text')
          .addColumn('password_enc', 'text')
          .addColumn('security_token_enc', 'text')
          .addColumn('client_secret_enc', 'text')
          .addColumn('private_key_enc', 'text')
          .addColumn('refresh_token_enc', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('security_definitions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('key_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('channels')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('security_definition_id', 'text', (c) =>
            c.references('security_definitions.id').onDelete('restrict'),
          )
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('channels_method_path', ['method', 'path'])
          .execute()
        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('encrypted', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute()
      },
      async down(db: Kysely<unknown>) {
        for (const table of ['channels', 'security_definitions', 'settings', 'connections']) {
          await db.schema.dropTable(table).execute()
        }
      },
    },
    '0002_admin_users_audit': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('admin_users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute()
        // An integer key that grows with each entry: newest-first order without comparing clocks.
        await db.schema
          .createTable('audit_log')
          // SQLite: AUTOINCREMENT, so ids are never reused (what homes made so far have).
          // PostgreSQL: an identity column (Kysely's autoIncrement() is MySQL's keyword there).
          .addColumn('id', 'integer', (c) =>
            dialect === 'postgres'
              ? c.primaryKey().generatedByDefaultAsIdentity()
              : c.primaryKey().autoIncrement(),
          )
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('detail', 'text')
          .execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('audit_log').execute()
        await db.schema.dropTable('admin_users').execute()
      },
    },
    // Channel limits and the HTTP Basic and JWT security definitions. New columns are nullable so
    // rows written before keep their meaning: no limit, an API key definition.
    '0003_channel_limits_security_kinds': {
      async up(db: Kysely<unknown>) {
        for (const column of [
          'rate_limit',
          'rate_window_seconds',
          'timeout_ms',
          'max_body_bytes',
        ]) {
          await db.schema.alterTable('channels').addColumn(column, 'integer').execute()
        }
        await db.schema.alterTable('channels').addColumn('updated_at', 'text').execute()
        await db.schema.alterTable('security_definitions').addColumn('config', 'text').execute()
        await db.schema.alterTable('security_definitions').addColumn('secret_enc', 'text').execute()
        await db.schema.alterTable('security_definitions').addColumn('updated_at', 'text').execute()
      },
      async down(db: Kysely<unknown>) {
        for (const column of [
          'rate_limit',
          'rate_window_seconds',
          'timeout_ms',
          'max_body_bytes',
          'updated_at',
        ]) {
          await db.schema.alterTable('channels').dropColumn(column).execute()
        }
        for (const column of ['config', 'secret_enc', 'updated_at']) {
          await db.schema.alterTable('security_definitions').dropColumn(column).execute()
        }
      },
    },
  }
}
