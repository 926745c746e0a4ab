// The table of event subscriptions (src/runtime/events/ is its one user, and the operator
// commands): a subscription's position, state and lease; its dead letters are in
// dead-letter-repository.ts. Every write a consumer makes carries the fence it was granted
// (`WHERE fence = mine`), a compare-and-set in plain SQL that SQLite and PostgreSQL run alike, so
// a consumer that lost its lease changes nothing. Times are epoch milliseconds; PostgreSQL
// returns bigint as strings, hence Number().
import type { ExpressionBuilder, Kysely, Selectable, UpdateObject } from 'kysely'
import type { DatabaseSchema } from './database-schema.js'

export type SubscriptionState = 'active' | 'paused' | 'failed'

type EventSubscriptionRow = {
  service: string
  connection: string
  topic: string
  state: SubscriptionState
  position: string | null
  org_id: string | null
  fence: number | string
  lease_owner: string | null
  lease_until: number | string | null
  last_error: string | null
  events_handled: number | string
  batches_handled: number | string
  dead_letters: number | string
  last_event_at: number | string | null
  created_at: number | string
  updated_at: number | string
}

// A type, not an interface: Kysely wants an index signature.
type SubscriptionTables = { event_subscriptions: EventSubscriptionRow }
type Tables = DatabaseSchema & SubscriptionTables
/** What one update of a subscription's row sets: values, or a function of the row's columns. */
type Row = ExpressionBuilder<Tables, 'event_subscriptions'>
type RowChange =
  | UpdateObject<Tables, 'event_subscriptions'>
  | ((eb: Row) => UpdateObject<Tables, 'event_subscriptions'>)

/**
 * The columns every operator change and every stop sets: the fence moves on (so the consumer
 * holding the lease stops at its next write) and the lease is let go.
 */
const letLeaseGo = (eb: Row) =>
  ({ fence: eb('fence', '+', 1), lease_owner: null, lease_until: null }) as const

/**
 * A stored position: base64 of replay id bytes, or `@earliest` / `@latest` after an operator's
 * reset (`@` is outside the base64 alphabet, so the two cannot be confused).
 */
export type StoredPosition = string

export interface SubscriptionInfo {
  service: string
  connection: string
  topic: string
  state: SubscriptionState
  /** null: no batch handled yet (the service's configured start applies). */
  position: StoredPosition | null
  orgId: string | null
  fence: number
  leaseOwner: string | null
  leaseUntil: number | null
  lastError: string | null
  eventsHandled: number
  batchesHandled: number
  deadLetters: number
  lastEventAt: number | null
  createdAt: number
  updatedAt: number
}

const num = (v: number | string) => Number(v)
const numOrNull = (v: number | string | null) => (v === null ? null : Number(v))

function subscriptionInfo(r: Selectable<EventSubscriptionRow>): SubscriptionInfo {
  return {
    service: r.service,
    connection: r.connection,
    topic: r.topic,
    state: r.state,
    position: r.position,
    orgId: r.org_id,
    fence: num(r.fence),
    leaseOwner: r.lease_owner,
    leaseUntil: numOrNull(r.lease_until),
    lastError: r.last_error,
    eventsHandled: num(r.events_handled),
    batchesHandled: num(r.batches_handled),
    deadLetters: num(r.dead_letters),
    lastEventAt: numOrNull(r.last_event_at),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  }
}

export interface HandledBatch {
  position: StoredPosition
  orgId: string
  events: number
  /** Commit time of the batch's last change event, when it has one. */
  lastEventAt?: number
  /** The batch was parked as a dead letter rather than handled. */
  deadLettered?: boolean
}

export class SubscriptionRepository {
  readonly #db: Kysely<Tables>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db.withTables<SubscriptionTables>()
  }

  async find(service: string): Promise<SubscriptionInfo | undefined> {
    const row = await this.#db
      .selectFrom('event_subscriptions')
      .selectAll()
      .where('service', '=', service)
      .executeTakeFirst()
    return row && subscriptionInfo(row)
  }

  async list(): Promise<SubscriptionInfo[]> {
    const rows = await this.#db
      .selectFrom('event_subscriptions')
      .selectAll()
      .orderBy('service')
      .execute()
    return rows.map(subscriptionInfo)
  }

  /**
   * The subscription of `service`, created active when missing. A service now bound to another
   * topic or connection starts over (its stored replay id belongs to the old stream).
   */
  async ensure(
    binding: { service: string; connection: string; topic: string },
    now: number,
  ): Promise<SubscriptionInfo> {
    await this.#db
      .insertInto('event_subscriptions')
      .values({
        ...binding,
        state: 'active',
        position: null,
        org_id: null,
        fence: 0,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        events_handled: 0,
        batches_handled: 0,
        dead_letters: 0,
        last_event_at: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('service').doNothing())
      .execute()
    await this.#db
      .updateTable('event_subscriptions')
      .set((eb) => ({
        connection: binding.connection,
        topic: binding.topic,
        position: null,
        org_id: null,
        fence: eb('fence', '+', 1),
        updated_at: now,
      }))
      .where('service', '=', binding.service)
      .where((eb) =>
        eb.or([eb('topic', '<>', binding.topic), eb('connection', '<>', binding.connection)]),
      )
      .execute()
    return (await this.find(binding.service))!
  }

  /**
   * Takes the lease of an active subscription when nobody holds it, its holder let it expire,
   * or `owner` holds it already; the fence moves on each time. The granted fence, or undefined.
   */
  async acquire(
    service: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<number | undefined> {
    const result = await this.#db
      .updateTable('event_subscriptions')
      .set((eb) => ({
        fence: eb('fence', '+', 1),
        lease_owner: owner,
        lease_until: now + leaseMs,
        updated_at: now,
      }))
      .where('service', '=', service)
      .where('state', '=', 'active')
      .where((eb) =>
        eb.or([
          eb('lease_owner', 'is', null),
          eb('lease_until', '<', now),
          eb('lease_owner', '=', owner),
        ]),
      )
      .executeTakeFirst()
    if (result.numUpdatedRows === 0n) return undefined
    const row = await this.#db
      .selectFrom('event_subscriptions')
      .select('fence')
      .where('service', '=', service)
      .where('lease_owner', '=', owner)
      .executeTakeFirst()
    return row ? Number(row.fence) : undefined
  }

  /**
   * The compare-and-set every consumer's write is: `change` applies only while the row still
   * carries `fence` (and, with `activeOnly`, is active). False when the fence moved: the lease
   * was taken over, or an operator paused, resumed or reset the subscription.
   */
  async #fenced(
    service: string,
    fence: number,
    change: RowChange,
    activeOnly = false,
  ): Promise<boolean> {
    let update = this.#db
      .updateTable('event_subscriptions')
      .set(change)
      .where('service', '=', service)
      .where('fence', '=', fence)
    if (activeOnly) update = update.where('state', '=', 'active')
    const result = await update.executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  /** An operator's change: moves the fence and lets the lease go; false when no row matched. */
  async #operatorChange(
    service: string,
    change: RowChange,
    unlessState?: SubscriptionState,
  ): Promise<boolean> {
    let update = this.#db
      .updateTable('event_subscriptions')
      .set(change)
      .where('service', '=', service)
    if (unlessState) update = update.where('state', '<>', unlessState)
    const result = await update.executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  /** Extends the lease; false when the fence moved (taken over, paused or reset). */
  renew(service: string, fence: number, now: number, leaseMs: number): Promise<boolean> {
    return this.#fenced(service, fence, { lease_until: now + leaseMs }, true)
  }

  /** Lets the lease go at once (a clean stop), so another process need not wait for expiry. */
  async release(service: string, fence: number, now: number): Promise<void> {
    await this.#fenced(service, fence, { lease_owner: null, lease_until: null, updated_at: now })
  }

  /** Moves the position past a handled (or parked) batch; false when the fence moved. */
  saveBatch(service: string, fence: number, batch: HandledBatch, now: number): Promise<boolean> {
    return this.#fenced(service, fence, (eb) => ({
      position: batch.position,
      org_id: batch.orgId,
      events_handled: eb('events_handled', '+', batch.deadLettered ? 0 : batch.events),
      batches_handled: eb('batches_handled', '+', 1),
      dead_letters: eb('dead_letters', '+', batch.deadLettered ? 1 : 0),
      ...(batch.lastEventAt !== undefined ? { last_event_at: batch.lastEventAt } : {}),
      ...(batch.deadLettered ? {} : { last_error: null }),
      updated_at: now,
    }))
  }

  /** Notes the last error (a failed attempt, a refused replay id); fenced like every write. */
  async recordError(service: string, fence: number, error: string, now: number): Promise<void> {
    await this.#fenced(service, fence, { last_error: error, updated_at: now })
  }

  /** Stops the subscription for good (until resumed): `failed`, with why. */
  fail(service: string, fence: number, error: string, now: number): Promise<boolean> {
    return this.#fenced(service, fence, (eb) => ({
      ...letLeaseGo(eb),
      state: 'failed' as const,
      last_error: error,
      updated_at: now,
    }))
  }

  /**
   * An operator's change: pause, resume, or a new position. Each moves the fence, so the
   * consumer holding the lease stops at its next write and starts again from the new row.
   * False when there is no such subscription or (pause, resume) it is in that state already.
   */
  setState(service: string, state: SubscriptionState, now: number): Promise<boolean> {
    return this.#operatorChange(
      service,
      (eb) => ({
        ...letLeaseGo(eb),
        state,
        ...(state === 'active' ? { last_error: null } : {}),
        updated_at: now,
      }),
      state,
    )
  }

  setPosition(service: string, position: StoredPosition, now: number): Promise<boolean> {
    return this.#operatorChange(service, (eb) => ({
      ...letLeaseGo(eb),
      position,
      org_id: null,
      updated_at: now,
    }))
  }
}
