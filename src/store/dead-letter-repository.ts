// The dead letters of event subscriptions: batches a service failed to handle `maxAttempts`
// times, parked so that the stream goes on (src/runtime/events/), and moved by operators to
// `retry` and by the consumer to `resolved` or back to `parked`. Each move is a compare-and-set
// on the state, so two movers never both win. Times are epoch milliseconds.
import type { Kysely, Selectable } from 'kysely'
import type { DatabaseSchema } from './database-schema.js'

export type DeadLetterState = 'parked' | 'retry' | 'resolved'

type EventDeadLetterRow = {
  id: string
  service: string
  topic: string
  events: string
  event_count: number
  first_replay_id: string
  last_replay_id: string
  error: string
  attempts: number
  state: DeadLetterState
  created_at: number | string
  updated_at: number | string
}

// A type, not an interface: Kysely wants an index signature.
type DeadLetterTables = { event_dead_letters: EventDeadLetterRow }

export interface DeadLetterInfo {
  id: string
  service: string
  topic: string
  /** JSON of the batch. */
  events: string
  eventCount: number
  firstReplayId: string
  lastReplayId: string
  error: string
  attempts: number
  state: DeadLetterState
  createdAt: number
  updatedAt: number
}

function deadLetterInfo(r: Selectable<EventDeadLetterRow>): DeadLetterInfo {
  return {
    id: r.id,
    service: r.service,
    topic: r.topic,
    events: r.events,
    eventCount: Number(r.event_count),
    firstReplayId: r.first_replay_id,
    lastReplayId: r.last_replay_id,
    error: r.error,
    attempts: Number(r.attempts),
    state: r.state,
    // PostgreSQL returns bigint as strings.
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}

export class DeadLetterRepository {
  readonly #db: Kysely<DatabaseSchema & DeadLetterTables>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db.withTables<DeadLetterTables>()
  }

  async add(letter: Omit<DeadLetterInfo, 'createdAt' | 'updatedAt'>, now: number): Promise<void> {
    await this.#db
      .insertInto('event_dead_letters')
      .values({
        id: letter.id,
        service: letter.service,
        topic: letter.topic,
        events: letter.events,
        event_count: letter.eventCount,
        first_replay_id: letter.firstReplayId,
        last_replay_id: letter.lastReplayId,
        error: letter.error,
        attempts: letter.attempts,
        state: letter.state,
        created_at: now,
        updated_at: now,
      })
      .execute()
  }

  /** The dead letters of `service`, oldest first; only those in `state` when given. */
  async list(service: string, state?: DeadLetterState): Promise<DeadLetterInfo[]> {
    let query = this.#db.selectFrom('event_dead_letters').selectAll().where('service', '=', service)
    if (state) query = query.where('state', '=', state)
    const rows = await query.orderBy('created_at').orderBy('id').execute()
    return rows.map(deadLetterInfo)
  }

  async find(id: string): Promise<DeadLetterInfo | undefined> {
    const row = await this.#db
      .selectFrom('event_dead_letters')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && deadLetterInfo(row)
  }

  /** Moves a dead letter from `from` to `to`; false when it was not in `from` (a race lost). */
  async move(
    id: string,
    from: DeadLetterState,
    to: DeadLetterState,
    now: number,
    change: { error?: string; attempts?: number } = {},
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable('event_dead_letters')
      .set({ state: to, updated_at: now, ...change })
      .where('id', '=', id)
      .where('state', '=', from)
      .executeTakeFirst()
    return result.numUpdatedRows > 0n
  }
}
