// The tables of event subscriptions: one row per service bound to a topic (its position, state
// and lease) and the batches its handler gave up on (dead letters). Portable column types only,
// so the same migration runs on SQLite and PostgreSQL.
import type { Kysely, Migration } from 'kysely'

export const subscriptionMigrations: Record<string, Migration> = {
  '2026-12-05-10-event-subscriptions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('event_subscriptions')
        // The service's name: one subscription per service.
        .addColumn('service', 'text', (c) => c.primaryKey())
        .addColumn('connection', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        // active | paused | failed
        .addColumn('state', 'text', (c) => c.notNull())
        // Base64 of the replay id bytes after the last handled batch; null: never handled one.
        .addColumn('position', 'text')
        // The org the replay id belongs to (a replay id means nothing in another org).
        .addColumn('org_id', 'text')
        // Incremented by every takeover (and by pause and reset): writes carry the fence they
        // were granted, so a consumer that lost its lease cannot move the position.
        .addColumn('fence', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('events_handled', 'bigint', (c) => c.notNull())
        .addColumn('batches_handled', 'bigint', (c) => c.notNull())
        .addColumn('dead_letters', 'bigint', (c) => c.notNull())
        // Epoch milliseconds of the last handled event's commit (change events), for lag.
        .addColumn('last_event_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('event_dead_letters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        // The batch as JSON (64-bit numbers as strings, bytes as base64).
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .addColumn('first_replay_id', 'text', (c) => c.notNull())
        .addColumn('last_replay_id', 'text', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        // parked | retry (asked by an operator) | resolved (a retry succeeded)
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('event_dead_letters_service')
        .on('event_dead_letters')
        .columns(['service', 'state'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('event_dead_letters').execute()
      await db.schema.dropTable('event_subscriptions').execute()
    },
  },
}
