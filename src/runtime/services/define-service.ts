// What a service is: a name, zod schemas for input (and output), and `handle(ctx)`.
// Results carry a global symbol, so a service built by another copy of this module
// (a service file loading dist/ while the runtime runs from src/) is still recognised.
import type { Logger } from 'pino'
import type { z } from 'zod'
import { ForcebridgeError } from '../../util/index.js'
import type { SalesforceClient } from '../../salesforce/index.js'

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

export interface Service<
  In extends z.ZodType = z.ZodType,
  Out extends z.ZodType = z.ZodType,
  Set extends z.ZodType = z.ZodType,
> extends ServiceOptions<In, Out, Set> {
  readonly [SERVICE_BRAND]: true
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
export function defineService<
  In extends z.ZodType,
  Out extends z.ZodType = z.ZodUnknown,
  Set extends z.ZodType = z.ZodType<Record<string, unknown>>,
>(options: ServiceOptions<In, Out, Set>): Service<In, Out, Set> {
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
  return Object.freeze({ ...options, [SERVICE_BRAND]: true as const })
}

/** True for a value made by defineService, from any copy of forcebridge. */
export function isService(value: unknown): value is AnyService {
  return typeof value === 'object' && value !== null && SERVICE_BRAND in value
}
