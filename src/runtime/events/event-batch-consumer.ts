// The batch side of an event subscription, for the holder of its lease (subscription-runner.ts
// keeps the lease): subscribes from the stored position (or an operator's reset, or the
// configured start), hands each batch to the service (gap events to onGap), retries a failing
// batch with backoff, parks it as a dead letter after the last attempt, and stores the position
// after each batch with the fence it was granted, so a consumer that lost the lease changes
// nothing. Delivery is at-least-once: the position moves only after a batch was handled (or
// parked), so a crash redelivers at most the batch in hand.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { PubSubEvent, ReplayFrom, SalesforceClient } from '../../salesforce/index.js'
import type { SubscriptionInfo } from '../../store/index.js'
import type { AnyService, EventBinding } from '../services/index.js'
import { eventsFromJson, eventsToJson } from './event-json.js'
import { RESET_EARLIEST, RESET_LATEST } from './reset-position.js'
import type { SubscriptionRunnerOptions } from './subscription-runner.js'

export type EventService = AnyService & { events: EventBinding }

export const MAX_RETRY_DELAY_MS = 60_000

/** The org id in a token's identity URL (`.../id/<org>/<user>`). */
export function orgIdOf(identityUrl: string): string {
  const parts = identityUrl.split('/')
  const at = parts.lastIndexOf('id')
  return at >= 0 && parts[at + 1] ? parts[at + 1]! : identityUrl
}

function isReplayRefused(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'REPLAY_ID_INVALID'
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

export class EventBatchConsumer {
  readonly #service: EventService
  readonly #o: SubscriptionRunnerOptions
  readonly #log: Logger
  /** The fence of the lease this consumer works under: every write carries it. */
  readonly #fence: number

  constructor(
    service: EventService,
    options: SubscriptionRunnerOptions,
    log: Logger,
    fence: number,
  ) {
    this.#service = service
    this.#o = options
    this.#log = log
    this.#fence = fence
  }

  get #repo() {
    return this.#o.store.subscriptions
  }

  get #letters() {
    return this.#o.store.deadLetters
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now()
  }

  /** Consumes from the stored position until `signal` aborts or the fence moves. */
  async consume(signal: AbortSignal): Promise<void> {
    const fence = this.#fence
    const { name, events: binding } = this.#service
    const row = await this.#repo.find(name)
    if (!row || row.fence !== fence || row.state !== 'active') return
    await this.#o.clients.refresh()
    const client = this.#o.clients.get(binding.connection)
    const orgId = orgIdOf((await client.token()).id)
    let replay = this.#startOf(row, orgId)
    if (replay === 'refused') {
      const refusal = `the stored replay id belongs to org ${row.orgId ?? '?'}, not ${orgId}`
      const next = await this.#onRefused(fence, refusal)
      if (!next) return
      replay = next
    }
    while (!signal.aborted) {
      try {
        await this.#stream(client, fence, orgId, replay, signal)
        return
      } catch (err) {
        if (!isReplayRefused(err) || signal.aborted) throw err
        const next = await this.#onRefused(fence, messageOf(err))
        if (!next) return
        replay = next
      }
    }
  }

  /** Where to start: the stored position, an operator's reset, or the configured start. */
  #startOf(row: SubscriptionInfo, orgId: string): ReplayFrom | 'refused' {
    const configured = this.#service.events.replay ?? 'latest'
    if (row.position === null) return configured
    if (row.position === RESET_EARLIEST) return 'earliest'
    if (row.position === RESET_LATEST) return 'latest'
    if (row.orgId !== null && row.orgId !== orgId) return 'refused'
    return { after: Buffer.from(row.position, 'base64') }
  }

  /** The onExpiredReplay policy; undefined when it stopped the subscription. */
  async #onRefused(fence: number, why: string): Promise<ReplayFrom | undefined> {
    const policy = this.#service.events.onExpiredReplay ?? 'fail'
    this.#log.warn({ policy, reason: why }, 'Salesforce refused the stored replay id')
    if (policy === 'fail') {
      await this.#repo.fail(this.#service.name, fence, `replay id refused: ${why}`, this.#now())
      return undefined
    }
    await this.#repo.recordError(
      this.#service.name,
      fence,
      `replay id refused (${why}); resumed from ${policy}`,
      this.#now(),
    )
    return policy
  }

  async #stream(
    client: SalesforceClient,
    fence: number,
    orgId: string,
    replay: ReplayFrom,
    signal: AbortSignal,
  ): Promise<void> {
    const { name, events: binding } = this.#service
    const batchSize = binding.batchSize ?? 100
    const sub = client.events.subscribe(binding.topic, {
      replay,
      batchSize,
      onStatus: (s) => {
        if (s.state === 'reconnecting') this.#o.onSignal?.({ service: name, kind: 'reconnect' })
      },
    })
    const close = () => sub.close()
    signal.addEventListener('abort', close, { once: true })
    try {
      for (;;) {
        const first = await sub.next()
        if (first.done) return
        const batch = [first.value]
        // What has arrived already joins the batch; never wait for more.
        const gather = async () => {
          while (sub.buffered > 0 && batch.length < batchSize) {
            const more = await sub.next()
            if (more.done) break
            batch.push(more.value)
          }
        }
        await gather()
        // Taking the batch asked the server for the next one, but HTTP/2 sends it on the next
        // turn of the event loop; the store's write (SQLite's is synchronous, an fsync) would
        // hold it back until the batch is saved. One turn first, and the next batch travels
        // while this one is handled: without it, every batch cost a full round trip more.
        await new Promise<void>((resolve) => setImmediate(resolve))
        // That turn read what the server had sent meanwhile (its answers to the room asked for
        // come a response per request): it joins this batch, up to batchSize. A backlogged
        // stream so gets full batches, one position write for 100 events rather than for 50.
        await gather()
        this.#o.onSignal?.({ service: name, kind: 'received', events: batch.length })
        if (!(await this.#handle(batch, fence, orgId, signal))) return
        if (signal.aborted) return
      }
    } finally {
      signal.removeEventListener('abort', close)
      sub.close()
    }
  }

  /**
   * Runs the service on a batch (gap events to onGap), retrying with backoff, then parks it.
   * False when the position could not be stored (the lease was lost) or a stop came between
   * attempts: the batch will be delivered again.
   */
  async #handle(
    batch: PubSubEvent[],
    fence: number,
    orgId: string,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { name, events: binding } = this.#service
    const topic = binding.topic
    const gaps = batch.filter((e) => e.kind === 'gap' || e.kind === 'overflow')
    const events = batch.filter((e) => e.kind !== 'gap' && e.kind !== 'overflow')
    const maxAttempts = binding.maxAttempts ?? 5
    const baseDelay = binding.retryDelayMs ?? 1000
    const last = batch[batch.length - 1]!
    const position = last.replayId.toString('base64')
    const commits = batch.flatMap((e) => (e.change ? [Number(e.change.commitTimestamp)] : []))
    const lastEventAt = commits.length > 0 ? Math.max(...commits) : undefined
    for (let attempt = 1; ; attempt++) {
      const correlationId = randomUUID()
      try {
        if (gaps.length > 0) {
          if (binding.onGap) {
            await binding.onGap({
              topic,
              events: gaps,
              salesforce: (connection) => this.#o.clients.get(connection),
              log: this.#log.child({ correlationId }),
            })
          } else {
            this.#log.warn(
              { changes: gaps.map((g) => g.change) },
              'gap events skipped: the service has no events.onGap to reconcile them',
            )
          }
        }
        if (events.length > 0)
          await this.#o.invoker.invoke(name, { topic, events }, { correlationId })
        const saved = await this.#repo.saveBatch(
          name,
          fence,
          {
            position,
            orgId,
            events: batch.length,
            ...(lastEventAt !== undefined ? { lastEventAt } : {}),
          },
          this.#now(),
        )
        if (saved)
          this.#o.onSignal?.({
            service: name,
            kind: 'handled',
            events: batch.length,
            lagSeconds:
              lastEventAt === undefined
                ? undefined
                : Math.max(0, (Date.now() - lastEventAt) / 1000),
          })
        return saved
      } catch (err) {
        const message = `attempt ${attempt} of ${maxAttempts}: ${messageOf(err)}`
        this.#log.warn({ err, correlationId, attempt, events: batch.length }, 'event batch failed')
        await this.#repo.recordError(name, fence, message, this.#now())
        if (attempt >= maxAttempts)
          return this.#park(batch, fence, orgId, position, message, attempt)
        await pause(Math.min(MAX_RETRY_DELAY_MS, baseDelay * 2 ** (attempt - 1)), signal)
        if (signal.aborted) return false
      }
    }
  }

  /** Runs each dead letter in state `retry` once: `resolved` when it succeeds, else parked again. */
  async retryLetters(): Promise<void> {
    const { name } = this.#service
    for (const letter of await this.#letters.list(name, 'retry')) {
      const events = eventsFromJson(letter.events).filter(
        (e) => e.kind !== 'gap' && e.kind !== 'overflow',
      )
      try {
        if (events.length > 0)
          await this.#o.invoker.invoke(name, { topic: letter.topic, events }, {})
        await this.#letters.move(letter.id, 'retry', 'resolved', this.#now())
        this.#log.info({ deadLetter: letter.id }, 'dead letter retried and handled')
      } catch (err) {
        await this.#letters.move(letter.id, 'retry', 'parked', this.#now(), {
          error: `retry: ${messageOf(err)}`,
          attempts: letter.attempts + 1,
        })
      }
    }
  }

  async #park(
    batch: PubSubEvent[],
    fence: number,
    orgId: string,
    position: string,
    error: string,
    attempts: number,
  ): Promise<boolean> {
    const { name, events: binding } = this.#service
    // Only the holder of the lease parks: a stale consumer would add a letter for a batch the
    // new holder handles.
    const current = await this.#repo.find(name)
    if (!current || current.fence !== fence) return false
    await this.#letters.add(
      {
        id: randomUUID(),
        service: name,
        topic: binding.topic,
        events: eventsToJson(batch),
        eventCount: batch.length,
        firstReplayId: batch[0]!.replayId.toString('base64'),
        lastReplayId: position,
        error,
        attempts,
        state: 'parked',
      },
      this.#now(),
    )
    this.#o.onSignal?.({ service: name, kind: 'dead-letter', events: batch.length })
    return this.#repo.saveBatch(
      name,
      fence,
      { position, orgId, events: batch.length, deadLettered: true },
      this.#now(),
    )
  }
}
