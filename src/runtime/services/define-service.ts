// What a service is: a name, zod schemas for input (and output), and `handle(ctx)`.
// Results carry a global symbol, so a service built by another copy of this module
// (a service file loading dist/ while the runtime runs from src/) is still recognised.
import type { Logger } from 'pino'
import { z } from 'zod'
import { ForcebridgeError } from '../../util/index.js'
import type { PubSubEvent, SalesforceClient } from '../../salesforce/index.js'

export const SERVICE_BRAND = Symbol.for('forcebridge.service')

/** What `handle` receives for one invocation. */
export interface ServiceContext<I, S = Record<string, unknown>> {
  /** The validated input. */
  input: I
  /** The client of a named connection; a missing or inactive connection throws at once. */
  salesforce: (connection: string) => SalesforceClient
  /** Runs another service in process, with the same correlation id. */
  invoke: (service: string, input: unknown) => Promise<unknown>
  /**
   * Queues another service to run later, durably, with retries (at-least-once). An
   * `idempotencyKey` makes a repeated call return the job already queued.
   */
  invokeAsync: (
    service: string,
    input: unknown,
    options?: { idempotencyKey?: string; maxAttempts?: number; runAt?: Date },
  ) => Promise<{ jobId: string }>
  /** A pino logger bound to this invocation's correlation id and service name. */
  log: Logger
  /** Aborted when the service's timeout passes or the caller goes away. */
  signal: AbortSignal
  /** Identifies this invocation in logs and error answers. */
  correlationId: string
  /**
   * The service's own settings, set by an operator (`forcebridge service settings`), parsed by
   * the service's `settings` schema; {} when it declares none and none were set.
   */
  settings: S
}

export interface ServiceOptions<
  In extends z.ZodType,
  Out extends z.ZodType,
  Set extends z.ZodType = z.ZodType<Record<string, unknown>>,
> {
  /** Unique name, e.g. `campaign.create`. */
  name: string
  /** One line on what it does (the OpenAPI document and the dashboard show it). */
  description?: string
  input: In
  output?: Out
  /**
   * The operator-set values it needs, as a zod object; mark secret fields with
   * `.meta({ secret: true })` so they are never shown. Checked before every invocation.
   */
  settings?: Set
  /** Aborts `signal` after this many milliseconds. Default 30 000. */
  timeoutMs?: number
  handle(ctx: ServiceContext<z.output<In>, z.output<Set>>): Promise<z.input<Out>> | z.input<Out>
}

/** What the handler of an event service receives as `ctx.input`: one batch, in stream order. */
export interface EventBatch {
  topic: string
  /**
   * Change events (`kind: 'change'`) and platform events (`kind: 'event'`); gap and overflow
   * events go to `events.onGap` instead. Never empty.
   */
  events: PubSubEvent[]
}

/** What `events.onGap` receives: the gap and overflow events of one batch. */
export interface GapContext {
  topic: string
  events: PubSubEvent[]
  salesforce: (connection: string) => SalesforceClient
  log: Logger
}

/** Binds a service to a Pub/Sub topic: the runtime runs it for every batch of events. */
export interface EventBinding {
  /** The stored connection whose org publishes the events. */
  connection: string
  /** e.g. `/data/AccountChangeEvent`, `/data/ChangeEvents`, `/event/Order_Placed__e`. */
  topic: string
  /** The most events handed to one call of `handle` (1 to 100). Default 100. */
  batchSize?: number
  /** Where a subscription with no stored position starts. Default `latest`. */
  replay?: 'latest' | 'earliest'
  /**
   * When Salesforce refuses the stored replay id (older than the 72-hour retention, or from
   * another org): `fail` stops the subscription (state `failed`) for an operator to reset;
   * `earliest` or `latest` start there and go on. Default `fail`.
   */
  onExpiredReplay?: 'fail' | 'earliest' | 'latest'
  /** Calls of `handle` per batch before the batch is parked as a dead letter. Default 5. */
  maxAttempts?: number
  /** First retry delay in ms, doubled each time, capped at 60 s. Default 1000. */
  retryDelayMs?: number
  /**
   * Gap and overflow events (Salesforce lost track of some changes; re-read the records named
   * in their headers). Without it they are logged and skipped. A throw counts as a failed
   * attempt of the batch.
   */
  onGap?: (gap: GapContext) => Promise<void> | void
}

/** An event service: bound to a topic, handed batches of events as its input. */
export interface EventServiceOptions<
  Set extends z.ZodType = z.ZodType<Record<string, unknown>>,
> extends Omit<ServiceOptions<typeof EVENT_BATCH, z.ZodUnknown, Set>, 'input' | 'handle'> {
  events: EventBinding
  handle(ctx: ServiceContext<EventBatch, z.output<Set>>): unknown
}

/** The input of an event service: checked loosely, the events come decoded from the client. */
const EVENT_BATCH = z.object({
  topic: z.string(),
  events: z.array(z.custom<PubSubEvent>((v) => typeof v === 'object' && v !== null)).min(1),
})

export interface Service<
  In extends z.ZodType = z.ZodType,
  Out extends z.ZodType = z.ZodType,
  Set extends z.ZodType = z.ZodType,
> extends ServiceOptions<In, Out, Set> {
  readonly [SERVICE_BRAND]: true
  /** Set on an event service: the topic the runtime subscribes it to. */
  readonly events?: EventBinding
}

/** Any service, whatever its schemas. */
export type AnyService = Service<z.ZodType, z.ZodType, z.ZodType>

/**
 * Declares a service.
 *
 * @example
 * export default defineService({
 *   name: 'campaign.create',
 *   input: z.object({ name: z.string().min(1), segment: z.string() }),
 *   async handle({ input, salesforce }) { ... },
 * })
 */
export function defineService<Set extends z.ZodType = z.ZodType<Record<string, unknown>>>(
  options: EventServiceOptions<Set>,
): Service<typeof EVENT_BATCH, z.ZodUnknown, Set>
export function defineService<
  In extends z.ZodType,
  Out extends z.ZodType = z.ZodUnknown,
  Set extends z.ZodType = z.ZodType<Record<string, unknown>>,
>(options: ServiceOptions<In, Out, Set>): Service<In, Out, Set>
export function defineService(
  options: ServiceOptions<z.ZodType, z.ZodType, z.ZodType> | EventServiceOptions<z.ZodType>,
): AnyService {
  // Letters of any script: an integration team names services in its own language.
  if (!/^\p{L}[\p{L}\p{N}_.-]*$/u.test(options.name ?? '')) {
    throw new ForcebridgeError(
      'INVALID_SERVICE',
      `service name '${String(options.name)}' is not valid; use letters (any script), digits, '.', '_' or '-', starting with a letter`,
    )
  }
  if (typeof options.handle !== 'function') {
    throw new ForcebridgeError(
      'INVALID_SERVICE',
      `service '${options.name}' has no handle() function`,
    )
  }
  if ('events' in options && options.events !== undefined) {
    checkBinding(options.name, options.events)
    return Object.freeze({
      ...options,
      input: EVENT_BATCH,
      events: Object.freeze({ ...options.events }),
      [SERVICE_BRAND]: true as const,
    })
  }
  return Object.freeze({ ...options, [SERVICE_BRAND]: true as const }) as AnyService
}

function checkBinding(service: string, b: EventBinding): void {
  const bad = (what: string) =>
    new ForcebridgeError('INVALID_SERVICE', `service '${service}': events.${what}`)
  if (typeof b.connection !== 'string' || b.connection === '')
    throw bad('connection must name a stored connection')
  if (typeof b.topic !== 'string' || !b.topic.startsWith('/'))
    throw bad("topic must be a topic name such as '/data/AccountChangeEvent'")
  const whole = (v: unknown, min: number, max: number) =>
    v === undefined || (Number.isInteger(v) && (v as number) >= min && (v as number) <= max)
  if (!whole(b.batchSize, 1, 100)) throw bad('batchSize must be a whole number from 1 to 100')
  if (!whole(b.maxAttempts, 1, 1000)) throw bad('maxAttempts must be a whole number from 1')
  if (!whole(b.retryDelayMs, 0, 3_600_000)) throw bad('retryDelayMs must be 0 or more')
  if (b.replay !== undefined && b.replay !== 'latest' && b.replay !== 'earliest')
    throw bad("replay must be 'latest' or 'earliest'")
  if (![undefined, 'fail', 'earliest', 'latest'].includes(b.onExpiredReplay))
    throw bad("onExpiredReplay must be 'fail', 'earliest' or 'latest'")
  if (b.onGap !== undefined && typeof b.onGap !== 'function') throw bad('onGap must be a function')
}

/** True for a value made by defineService, from any copy of forcebridge. */
export function isService(value: unknown): value is AnyService {
  return typeof value === 'object' && value !== null && SERVICE_BRAND in value
}
