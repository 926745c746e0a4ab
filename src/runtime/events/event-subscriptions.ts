// Keeps one SubscriptionRunner per loaded event service: started when a service file with
// `events` is loaded, restarted when it is reloaded, stopped when it goes, all stopped (each
// draining its batch in hand) on close.
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Logger } from 'pino'
import type { Store } from '../../store/index.js'
import type { ConnectionClients } from '../connections/index.js'
import type { AnyService, EventBinding, Invoker, ServiceRegistry } from '../services/index.js'
import { SubscriptionRunner, type SubscriptionSignal } from './subscription-runner.js'

export interface EventSubscriptionsOptions {
  store: Store
  registry: ServiceRegistry
  clients: ConnectionClients
  invoker: Invoker
  log: Logger
  /** A subscription's lease; another process takes over this long after a holder died. Default 30 s. */
  leaseMs?: number
  /** How often the registry is looked at for added, changed and removed event services. Default 1 s. */
  syncMs?: number
  onSignal?: (signal: SubscriptionSignal) => void
}

export const DEFAULT_SUBSCRIPTION_LEASE_MS = 30_000

export class EventSubscriptions {
  readonly #o: EventSubscriptionsOptions
  readonly #owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
  readonly #runners = new Map<string, SubscriptionRunner>()
  #timer: NodeJS.Timeout | undefined
  #syncing: Promise<void> = Promise.resolve()
  #closed = false

  constructor(options: EventSubscriptionsOptions) {
    this.#o = options
  }

  /** The services this process runs subscriptions for (it may or may not hold their leases). */
  get services(): string[] {
    return [...this.#runners.keys()].sort()
  }

  start(): void {
    this.#sync()
    this.#timer = setInterval(() => this.#sync(), this.#o.syncMs ?? 1000)
    this.#timer.unref()
  }

  #sync(): void {
    this.#syncing = this.#syncing
      .then(() => this.#reconcile())
      .catch((err: unknown) => {
        this.#o.log.error({ err }, 'could not start or stop event subscriptions')
      })
  }

  async #reconcile(): Promise<void> {
    if (this.#closed) return
    const wanted = new Map<string, AnyService & { events: EventBinding }>()
    for (const { service } of this.#o.registry.list())
      if (service.events) wanted.set(service.name, service as AnyService & { events: EventBinding })
    for (const [name, runner] of this.#runners) {
      if (wanted.get(name) === runner.service) continue
      this.#runners.delete(name)
      await runner.stop()
    }
    for (const [name, service] of wanted) {
      if (this.#runners.has(name)) continue
      const runner = new SubscriptionRunner(service, {
        store: this.#o.store,
        clients: this.#o.clients,
        invoker: this.#o.invoker,
        log: this.#o.log,
        owner: this.#owner,
        leaseMs: this.#o.leaseMs ?? DEFAULT_SUBSCRIPTION_LEASE_MS,
        ...(this.#o.onSignal ? { onSignal: this.#o.onSignal } : {}),
      })
      this.#runners.set(name, runner)
      runner.start()
    }
  }

  /** Stops every subscription, each after its batch in hand, and lets their leases go. */
  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    await this.#syncing
    const runners = [...this.#runners.values()]
    this.#runners.clear()
    await Promise.all(runners.map((r) => r.stop()))
  }
}
