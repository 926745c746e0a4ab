// Runs one event service: holds the lease of its subscription (one consumer among every process
// sharing the store), renews it, lets it go on a clean stop, and while it holds it has an
// EventBatchConsumer (event-batch-consumer.ts) subscribe, handle batches and store the position.
// Every write is fenced, so a consumer that lost its lease (a long pause, a takeover) cannot
// move the position back or forth; dead letters an operator asked to retry are run by the
// lease holder.
import type { Logger } from 'pino'
import type { Store } from '../../store/index.js'
import type { ConnectionClients } from '../connections/index.js'
import type { Invoker } from '../services/index.js'
import {
  EventBatchConsumer,
  MAX_RETRY_DELAY_MS,
  messageOf,
  pause,
  type EventService,
} from './event-batch-consumer.js'

/** What a runner reports as it goes (metrics follow these). */
export type SubscriptionSignal =
  | { service: string; kind: 'received'; events: number }
  | { service: string; kind: 'handled'; events: number; lagSeconds: number | undefined }
  | { service: string; kind: 'dead-letter'; events: number }
  | { service: string; kind: 'reconnect' }

export interface SubscriptionRunnerOptions {
  store: Store
  clients: ConnectionClients
  invoker: Invoker
  log: Logger
  /** Names this process as a lease holder. */
  owner: string
  /** How long a lease lasts unless renewed (every third of it). */
  leaseMs: number
  onSignal?: (signal: SubscriptionSignal) => void
  now?: () => number
}

export class SubscriptionRunner {
  readonly service: EventService
  readonly #o: SubscriptionRunnerOptions
  readonly #log: Logger
  readonly #stopping = new AbortController()
  #done: Promise<void> | undefined
  /** Ends the current consumption: lease lost, the row changed, or stop(). */
  #current: AbortController | undefined

  constructor(service: EventService, options: SubscriptionRunnerOptions) {
    this.service = service
    this.#o = options
    this.#log = options.log.child({ service: service.name, topic: service.events.topic })
  }

  get #repo() {
    return this.#o.store.subscriptions
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now()
  }

  start(): void {
    this.#done ??= this.#run()
  }

  /** Stops after the batch in hand is handled and its position stored; lets the lease go. */
  async stop(): Promise<void> {
    this.#stopping.abort()
    this.#current?.abort()
    await this.#done
  }

  async #run(): Promise<void> {
    const { events } = this.service
    const binding = {
      service: this.service.name,
      connection: events.connection,
      topic: events.topic,
    }
    const poll = Math.max(50, Math.min(1000, Math.floor(this.#o.leaseMs / 3)))
    let failures = 0
    while (!this.#stopping.signal.aborted) {
      try {
        await this.#repo.ensure(binding, this.#now())
        const fence = await this.#repo.acquire(
          binding.service,
          this.#o.owner,
          this.#now(),
          this.#o.leaseMs,
        )
        if (fence === undefined) {
          await pause(poll, this.#stopping.signal)
          continue
        }
        await this.#holding(fence)
        failures = 0
      } catch (err) {
        failures++
        this.#log.warn({ err }, 'event subscription stopped; starting again')
        await pause(
          Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** Math.min(failures, 7)),
          this.#stopping.signal,
        )
      }
    }
  }

  /** Consumes while the lease holds; lets it go on a clean stop. */
  async #holding(fence: number): Promise<void> {
    const current = new AbortController()
    this.#current = current
    const consumer = new EventBatchConsumer(this.service, this.#o, this.#log, fence)
    let retrying = false
    const renew = setInterval(
      () => {
        this.#repo.renew(this.service.name, fence, this.#now(), this.#o.leaseMs).then(
          (held) => {
            if (!held) return current.abort()
            // Dead letters an operator asked to retry: by the lease holder, one run at a time.
            if (retrying) return
            retrying = true
            void consumer
              .retryLetters()
              .catch((err: unknown) => this.#log.warn({ err }, 'could not retry dead letters'))
              .finally(() => (retrying = false))
          },
          (err: unknown) => this.#log.warn({ err }, 'could not renew the subscription lease'),
        )
      },
      Math.max(20, Math.floor(this.#o.leaseMs / 3)),
    )
    const stop = () => current.abort()
    this.#stopping.signal.addEventListener('abort', stop, { once: true })
    try {
      await consumer.consume(current.signal)
    } catch (err) {
      await this.#repo.recordError(this.service.name, fence, messageOf(err), this.#now())
      throw err
    } finally {
      clearInterval(renew)
      this.#stopping.signal.removeEventListener('abort', stop)
      this.#current = undefined
      if (this.#stopping.signal.aborted)
        await this.#repo.release(this.service.name, fence, this.#now()).catch(() => undefined)
    }
  }
}
