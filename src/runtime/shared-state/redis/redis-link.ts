// The one connection of a node to Redis for the shared state, and the switch between Redis and
// this node's own memory. Redis holds nothing that cannot be rebuilt, so when it cannot answer a
// call at once the call is served from memory instead of waiting: a Redis outage costs lenient
// limits and per-node sessions for a while, never a hung request. One warning is logged when the
// node falls back and one line when Redis is back; `/readyz` shows which (status()).
import { Redis } from 'ioredis'
import type { SharedStateLog } from '../shared-state-log.js'

export interface RedisLinkOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`. Never logged. */
  url: string
  /** Put in front of every key, so several deployments (or test runs) share one Redis. */
  prefix: string
  /** How long a connection attempt may take. */
  connectTimeoutMs: number
  /** How long one command may take before the call falls back to memory. */
  commandTimeoutMs: number
  log?: SharedStateLog | undefined
}

/** The answer of one Redis call, or `ok: false` when Redis did not give one. */
export type Attempt<T> = { ok: true; value: T } | { ok: false }

type Phase = 'starting' | 'up' | 'down'

const UNANSWERED: Attempt<never> = { ok: false }
/** While down with the socket still open (commands timed out), how often Redis is pinged. */
const PROBE_MS = 1_000
/** Reconnection delays: quick at first, then once a second for as long as it takes. */
const retryDelay = (times: number) => Math.min(50 * times, 1_000)

export class RedisLink {
  readonly prefix: string
  readonly #redis: Redis
  readonly #log: SharedStateLog | undefined
  #phase: Phase = 'starting'
  #closed = false
  #probe: NodeJS.Timeout | undefined
  readonly #started: Promise<void>
  #settleStart: () => void = () => undefined

  constructor(options: RedisLinkOptions) {
    this.prefix = options.prefix
    this.#log = options.log
    this.#started = new Promise((resolve) => (this.#settleStart = resolve))
    this.#redis = new Redis(options.url, {
      connectTimeout: options.connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      // A command is answered now or served from memory: never queued while Redis is away
      // (queued calls would hold requests until it returns), never resent after a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: retryDelay,
      connectionName: 'forcebridge-shared-state',
    })
    this.#redis.on('ready', () => this.#up())
    // ioredis reports every failed reconnection as an 'error' event; the first one after the
    // link was up is the outage, the rest are the same outage.
    this.#redis.on('error', (err: Error) => this.#down(err))
    this.#redis.on('close', () => this.#down(new Error('connection closed')))
  }

  /** True while calls are served from this node's memory. */
  get degraded(): boolean {
    return this.#phase !== 'up'
  }

  /**
   * Resolves once the first connection attempt settled: connected, or found unreachable (the
   * node then starts degraded, and recovers when Redis answers).
   */
  ready(): Promise<void> {
    return this.#started
  }

  /** `prefix` + parts joined with `:`. */
  key(...parts: string[]): string {
    return this.prefix + parts.join(':')
  }

  /** Runs `op` on Redis when it is up; `ok: false` (and the node degraded) when it failed. */
  async attempt<T>(op: (redis: Redis) => Promise<T>): Promise<Attempt<T>> {
    if (this.#phase !== 'up' || this.#redis.status !== 'ready') return UNANSWERED
    try {
      return { ok: true, value: await op(this.#redis) }
    } catch (err) {
      this.#down(err instanceof Error ? err : new Error(String(err)))
      return UNANSWERED
    }
  }

  /** `op` on Redis, or `fallback` (this node's memory) when Redis does not answer. */
  async run<T>(op: (redis: Redis) => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    const answer = await this.attempt(op)
    return answer.ok ? answer.value : fallback()
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#settleStart()
    clearInterval(this.#probe)
    this.#redis.removeAllListeners('ready')
    // Errors after close are of no interest, but ioredis needs a listener to not throw them.
    this.#redis.removeAllListeners('error').on('error', () => undefined)
    this.#redis.removeAllListeners('close')
    if (this.#redis.status === 'ready') await this.#redis.quit().catch(() => undefined)
    this.#redis.disconnect()
  }

  #up(): void {
    if (this.#closed) return
    const was = this.#phase
    this.#phase = 'up'
    clearInterval(this.#probe)
    this.#probe = undefined
    this.#settleStart()
    if (was === 'down') {
      this.#log?.info(
        { backend: 'redis', prefix: this.prefix },
        'shared state: Redis answers again; rate limits, sessions, sign-in limits and tokens are shared by the cluster again',
      )
    }
  }

  #down(err: Error): void {
    if (this.#closed) return
    const was = this.#phase
    this.#phase = 'down'
    this.#settleStart()
    if (was !== 'down') {
      // The message is ioredis's (e.g. "connect ECONNREFUSED 10.0.0.5:6379"): never the URL,
      // which may hold a password.
      this.#log?.warn(
        { backend: 'redis', prefix: this.prefix, err: err.message },
        'shared state: Redis does not answer; this node falls back to its own memory (rate limits, sessions and sign-in limits per node, tokens kept here) until it does',
      )
    }
    // A command that timed out leaves the socket open: no 'ready' will come, so ask.
    this.#probe ??= setInterval(() => this.#ping(), PROBE_MS).unref()
  }

  #ping(): void {
    if (this.#redis.status !== 'ready') return
    this.#redis.ping().then(
      () => this.#up(),
      () => undefined,
    )
  }
}
