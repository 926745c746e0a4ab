// One Subscribe stream: the first FetchRequest fixes topic and start, later ones add demand
// (at most 100 outstanding); events go out as they arrive, in batches up to the demand, and an
// idle stream gets a keepalive carrying the latest replay id (pubsub-api.md, "Subscribe").

import { randomUUID } from 'node:crypto'
import type { ServerDuplexStream } from '@grpc/grpc-js'
import type { EventLog } from './event-log.js'
import { pubsubError, type PubSubErrorKind } from './pubsub-errors.js'
import type { PubSubFaults } from './pubsub-faults.js'
import { decodeReplayId, encodeReplayId } from './replay-id.js'

export interface FetchRequestMessage {
  topic_name: string
  replay_preset: 'LATEST' | 'EARLIEST' | 'CUSTOM'
  replay_id: Buffer
  num_requested: number
}

const MAX_OUTSTANDING = 100
/** A FetchResponse stays well under gRPC's 4 MB message limit. */
const MAX_BATCH_BYTES = 3 * 1024 * 1024

export class SubscribeCall {
  private readonly rpcId = randomUUID()
  private topic: string | undefined
  private cursor = 0
  private demand = 0
  private sent = 0
  private scheduled = false
  private blocked = false
  private ended = false
  private unlisten: (() => void) | undefined
  private keepalive: NodeJS.Timeout | undefined

  constructor(
    private readonly call: ServerDuplexStream<FetchRequestMessage, unknown>,
    private readonly log: EventLog,
    private readonly faults: PubSubFaults,
    private readonly keepaliveMs: number,
  ) {
    call.on('data', (req: FetchRequestMessage) => this.onRequest(req))
    // The client half-closed: no more demand will come, so the stream ends too.
    call.on('end', () => {
      this.close()
      call.end()
    })
    call.on('cancelled', () => this.close())
    call.on('error', () => this.close())
  }

  /** End the call with a Pub/Sub error. */
  fail(kind: PubSubErrorKind, message: string): void {
    if (this.ended) return
    this.close()
    this.call.emit('error', pubsubError(kind, message, this.rpcId))
  }

  private onRequest(req: FetchRequestMessage): void {
    if (this.ended) return
    if (this.topic === undefined) {
      if (!this.start(req)) return
    } else if (req.topic_name && req.topic_name !== this.topic) {
      return this.fail('topicMismatch', `a stream subscribes to one topic: ${this.topic}`)
    }
    if (req.num_requested < 0)
      return this.fail('invalidRequest', 'num_requested must not be negative')
    // Demand adds up; more than 100 outstanding counts as 100.
    this.demand = Math.min(MAX_OUTSTANDING, this.demand + req.num_requested)
    // New demand is answered at once from what waits in the log: on a busy event loop, a
    // turn's wait (after every request read in the same poll) was most of a round trip, and
    // a stream's pace is 100 events per round trip.
    if (this.scheduled) return
    this.flush()
  }

  private start(req: FetchRequestMessage): boolean {
    const name = req.topic_name
    if (!this.log.topic(name)) {
      this.fail('topicNotFound', `topic ${name} does not exist or is not visible to this user`)
      return false
    }
    if (req.replay_preset === 'CUSTOM') {
      const seq = decodeReplayId(req.replay_id)
      if (seq === undefined) {
        this.fail('replayCorrupted', 'the replay id is corrupted')
        return false
      }
      const check = this.log.check(name, Number(seq))
      if (check !== 'ok') {
        this.fail(
          'replayInvalid',
          check === 'expired'
            ? 'the replay id is outside the retention window'
            : 'the replay id is not valid for this topic',
        )
        return false
      }
      this.cursor = Number(seq)
    } else {
      this.cursor = req.replay_preset === 'EARLIEST' ? this.log.earliest(name) : this.log.latest()
    }
    this.topic = name
    this.unlisten = this.log.listen(name, () => this.schedule())
    this.armKeepalive()
    return true
  }

  /**
   * Flushes once the code that appended has returned, so every event of one commit (a Bulk
   * slice's rows) goes out in one response. Not in a setImmediate: Node's HTTP/2 sends what
   * was written from its own immediate, which runs before the script's; a write made in a
   * setImmediate left on the next turn, after every request that turn's poll read. Measured
   * in bench:events, a change took one to two turns of a busy emulator (5 to 20 ms) longer.
   */
  private schedule(): void {
    if (this.scheduled || this.ended) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      this.flush()
    })
  }

  private flush(): void {
    if (this.ended || this.blocked || this.demand <= 0 || this.topic === undefined) return
    const dropAfter = this.faults.dropAfter()
    let max = this.demand
    if (dropAfter !== undefined) max = Math.min(max, Math.max(0, dropAfter - this.sent))
    const events = this.log.read(this.topic, this.cursor, max)
    let bytes = 0
    let n = 0
    while (n < events.length && (n === 0 || bytes + events[n]!.payload.length < MAX_BATCH_BYTES))
      bytes += events[n++]!.payload.length
    if (n > 0) {
      const batch = events.slice(0, n)
      const last = batch.at(-1)!
      this.demand -= n
      this.sent += n
      this.cursor = last.seq
      this.write({
        events: batch.map((e) => ({
          event: { id: e.id, schema_id: e.schemaId, payload: e.payload, headers: [] },
          replay_id: e.replayId,
        })),
        latest_replay_id: last.replayId,
        rpc_id: this.rpcId,
        pending_num_requested: this.demand,
      })
      this.faults.sent(n)
    }
    if (dropAfter !== undefined && this.sent >= dropAfter) {
      this.fail('unavailable', 'the stream was dropped (fault injection)')
      return
    }
    // More may be waiting (a full batch, or the byte cap): look again once this returns.
    if (n > 0) this.schedule()
  }

  private write(message: object): void {
    this.armKeepalive()
    if (!this.call.write(message)) {
      this.blocked = true
      this.call.once('drain', () => {
        this.blocked = false
        this.schedule()
      })
    }
  }

  /** With nothing sent for a while, an empty response carrying the latest replay id. */
  private armKeepalive(): void {
    clearTimeout(this.keepalive)
    if (this.ended) return
    this.keepalive = setTimeout(() => {
      if (this.ended || this.topic === undefined) return
      // Caught up: the latest position of the log is a safe resume point; otherwise the
      // position of the last event sent (events wait for demand after it).
      const behind = this.log.lastOf(this.topic) > this.cursor
      if (!behind) this.cursor = Math.max(this.cursor, this.log.latest())
      this.write({
        events: [],
        latest_replay_id: encodeReplayId(BigInt(this.cursor)),
        rpc_id: this.rpcId,
        pending_num_requested: this.demand,
      })
    }, this.keepaliveMs)
    this.keepalive.unref()
  }

  private close(): void {
    if (this.ended) return
    this.ended = true
    clearTimeout(this.keepalive)
    this.unlisten?.()
  }
}
