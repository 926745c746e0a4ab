// Runs one service invocation: validates the input, builds the context (clients, logger,
// timeout signal, in-process invoke), and validates the output when the service declares one.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { z } from 'zod'
import { runWithBulkJournal, type BulkJournalScope } from '../../salesforce/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type { ConnectionClients } from '../connections/index.js'
import type { AnyService } from './define-service.js'
import { InvocationContext } from './invocation-context.js'
import { LazyChildLogger } from '../logging/index.js'
import { LazyAbort } from './lazy-abort.js'
import type { ServiceRegistry } from './service-registry.js'
import type { ServiceSettings, SettingValues } from './service-settings.js'

const DEFAULT_TIMEOUT_MS = 30_000

/** One validation problem, as the 400 answer lists it. */
export interface InputIssue {
  path: string
  message: string
}

/** The input did not match the service's schema (HTTP 400). */
export class InvalidInputError extends ForcebridgeError {
  readonly issues: InputIssue[]

  constructor(service: string, error: z.ZodError) {
    const issues = error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
    }))
    super(
      'INVALID_INPUT',
      `input of '${service}' is invalid: ${issues.map((i) => `${i.path || '(input)'} ${i.message}`).join('; ')}`,
    )
    this.issues = issues
  }
}

export interface InvokeOptions {
  correlationId?: string
  /**
   * Aborts the invocation, e.g. when the HTTP caller goes away. A LazyAbort (what the channels
   * pass) costs no AbortController unless the service reads ctx.signal.
   */
  signal?: AbortSignal | LazyAbort
  log?: Logger
  /**
   * Time budget of this invocation in ms, e.g. a channel's timeoutMs; overrides the service's
   * own (default 30 s). Past it the service's signal aborts and the call fails SERVICE_TIMEOUT.
   */
  timeoutMs?: number
  /**
   * Journal of the Bulk calls made by this invocation (and the services it invokes), for an
   * invocation that is run again after a crash (an async job): a re-run resumes those calls
   * instead of starting them again. Default: none (or the caller's, for a nested invoke).
   */
  bulkJournal?: BulkJournalScope
}

/** Puts a job on the durable queue (the runtime passes the job queue's enqueue). */
export type Enqueue = (request: {
  service: string
  input: unknown
  correlationId?: string
  idempotencyKey?: string
  maxAttempts?: number
  runAt?: Date
}) => Promise<{ id: string }>

export class Invoker {
  readonly #registry: ServiceRegistry
  readonly #clients: ConnectionClients
  readonly #log: Logger
  readonly #enqueue: Enqueue | undefined
  readonly #settings: ServiceSettings | undefined

  constructor(
    registry: ServiceRegistry,
    clients: ConnectionClients,
    log: Logger,
    enqueue?: Enqueue,
    /** Where each service's own settings come from; without it `ctx.settings` is {}. */
    settings?: ServiceSettings,
  ) {
    this.#registry = registry
    this.#clients = clients
    this.#log = log
    this.#enqueue = enqueue
    this.#settings = settings
  }

  /** The service and its parsed input; SERVICE_NOT_FOUND or INVALID_INPUT otherwise. */
  #checked(name: string, rawInput: unknown) {
    const service = this.#registry.get(name)
    if (!service) {
      throw new ForcebridgeError(
        'SERVICE_NOT_FOUND',
        `service '${name}' is not loaded; check the services folder and the server log`,
      )
    }
    const parsed = service.input.safeParse(rawInput)
    if (!parsed.success) throw new InvalidInputError(name, parsed.error)
    return { service, parsed }
  }

  /** Queues `name` to run later through the durable queue; the input is checked now. */
  async invokeAsync(
    name: string,
    rawInput: unknown,
    options: {
      correlationId?: string
      idempotencyKey?: string
      maxAttempts?: number
      runAt?: Date
    } = {},
  ): Promise<{ jobId: string }> {
    if (!this.#enqueue) {
      throw new ForcebridgeError(
        'ASYNC_UNAVAILABLE',
        `cannot queue '${name}': this process runs without a job queue`,
      )
    }
    // Checked now, so a bad call fails for its caller instead of later in the queue.
    this.#checked(name, rawInput)
    const job = await this.#enqueue({ service: name, input: rawInput, ...options })
    return { jobId: job.id }
  }

  /**
   * Invokes `name` with `rawInput`. Rejects with SERVICE_NOT_FOUND, INVALID_INPUT,
   * SERVICE_TIMEOUT, INVALID_OUTPUT, or whatever the service threw.
   */
  invoke(name: string, rawInput: unknown, options: InvokeOptions = {}): Promise<unknown> {
    try {
      const { service, parsed } = this.#checked(name, rawInput)
      // Connections and settings are cached under the store's revision: the common call waits
      // for neither (a promise and a few microtask turns less).
      const settings = this.#clients.isCurrent() ? this.#cachedSettings(service) : undefined
      if (settings) return this.#run(service, parsed.data, settings, options)
      return this.#prepareThenRun(service, parsed.data, options)
    } catch (err) {
      const error = err as Error
      return Promise.reject(error)
    }
  }

  #cachedSettings(service: AnyService): SettingValues | undefined {
    return this.#settings ? this.#settings.cachedForInvocation(service) : {}
  }

  async #prepareThenRun(service: AnyService, input: unknown, options: InvokeOptions) {
    await this.#clients.refresh()
    const settings = this.#settings ? await this.#settings.forInvocation(service) : {}
    return this.#run(service, input, settings, options)
  }

  /**
   * Runs the service: settles with its validated output, or rejects with its error, or with
   * SERVICE_TIMEOUT or the caller's reason as soon as the call is aborted, whichever comes first.
   */
  #run(
    service: AnyService,
    input: unknown,
    settings: SettingValues,
    options: InvokeOptions,
  ): Promise<unknown> {
    const name = service.name
    const correlationId = options.correlationId ?? randomUUID()
    // Made only when the service logs: a pino child with redaction costs more than the invocation.
    const log = new LazyChildLogger(options.log ?? this.#log, {
      correlationId,
      service: name,
    }) as unknown as Logger
    const timeoutMs = options.timeoutMs ?? service.timeoutMs ?? DEFAULT_TIMEOUT_MS
    // Lazy: an AbortController is made only if the service reads ctx.signal (see LazyAbort).
    const abort = new LazyAbort()
    const caller = options.signal
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          abort.abort(
            new ForcebridgeError(
              'SERVICE_TIMEOUT',
              `service '${name}' did not finish within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      )
      const onCallerAbort = () => abort.abort(caller?.reason as Error)
      if (caller instanceof LazyAbort) caller.onAbort(onCallerAbort)
      else caller?.addEventListener('abort', onCallerAbort, { once: true })
      const finish = () => {
        clearTimeout(timer)
        abort.offAbort(onAbort)
        if (caller instanceof LazyAbort) caller.offAbort(onCallerAbort)
        else caller?.removeEventListener('abort', onCallerAbort)
      }
      // An abort settles the call at once, whatever the service does after.
      const onAbort = (reason: Error) => {
        finish()
        reject(reason)
      }
      abort.onAbort(onAbort)
      const ctx = new InvocationContext(
        input,
        (connection) => this.#clients.get(connection),
        (other, otherInput) =>
          this.invoke(other, otherInput, {
            correlationId,
            signal: abort,
            log: options.log ?? this.#log,
          }),
        (other, otherInput, asyncOptions) =>
          this.invokeAsync(other, otherInput, { ...asyncOptions, correlationId }),
        log,
        correlationId,
        settings,
        abort,
      )
      let work: Promise<unknown>
      try {
        const journal = options.bulkJournal
        work = journal
          ? runWithBulkJournal(journal, () => Promise.resolve(service.handle(ctx)))
          : Promise.resolve(service.handle(ctx))
      } catch (err) {
        const error = err as Error
        finish()
        reject(error)
        return
      }
      work.then(
        (result) => {
          finish()
          try {
            resolve(checkedOutput(service, result))
          } catch (err) {
            const error = err as Error
            reject(error)
          }
        },
        (err: Error) => {
          finish()
          reject(err)
        },
      )
    })
  }
}

/** The service's result, parsed by its output schema when it declares one; INVALID_OUTPUT else. */
function checkedOutput(service: AnyService, result: unknown): unknown {
  if (!service.output) return result
  const out = service.output.safeParse(result)
  if (!out.success) {
    throw new ForcebridgeError(
      'INVALID_OUTPUT',
      `service '${service.name}' returned output that does not match its schema`,
      { cause: out.error },
    )
  }
  return out.data
}
