// The event bus of the emulated org: one ordered log per topic, positions from one counter
// shared by every topic, retention by count and age, and wake-ups for the streams that wait.

import { encodeReplayId } from './replay-id.js'

export interface LoggedEvent {
  /** Position in the log; the replay id is its 8 bytes. */
  seq: number
  replayId: Buffer
  /** The event's uuid (ProducerEvent.id). */
  id: string
  schemaId: string
  payload: Buffer
  /** Commit time, epoch ms of the emulator clock. */
  at: number
}

export interface TopicDefinition {
  name: string
  /** The schema id GetTopic answers ('' for a topic mixing schemas, as /data/ChangeEvents). */
  schemaId: string
  canPublish: boolean
}

export interface RetentionOptions {
  /** Events kept per topic. Default 100,000. */
  maxEvents?: number
  /** Age past which events are dropped (Salesforce: 72 hours). */
  maxAgeMs?: number
}

class Topic {
  events: LoggedEvent[] = []
  /** Index of the first retained event in `events` (trimmed lazily). */
  start = 0
  /** Position of the last event dropped by retention (0: none dropped). */
  floor = 0
  readonly listeners = new Set<() => void>()
  constructor(readonly def: TopicDefinition) {}
}

export type ReplayCheck = 'ok' | 'expired' | 'unknown'

export class EventLog {
  private seq = 0
  private readonly topics = new Map<string, Topic>()
  private readonly maxEvents: number
  private readonly maxAgeMs: number

  constructor(
    private readonly now: () => Date,
    retention: RetentionOptions = {},
  ) {
    this.maxEvents = retention.maxEvents ?? 100_000
    this.maxAgeMs = retention.maxAgeMs ?? 72 * 3_600_000
  }

  define(def: TopicDefinition): void {
    if (!this.topics.has(def.name)) this.topics.set(def.name, new Topic(def))
  }

  /** The topic by name; Salesforce topic names are case-sensitive. */
  topic(name: string): TopicDefinition | undefined {
    return this.topics.get(name)?.def
  }

  /** The position of the newest event of any topic: a replay id valid on every topic. */
  latest(): number {
    return this.seq
  }

  append(
    topicNames: readonly string[],
    event: { id: string; schemaId: string; payload: Buffer },
  ): LoggedEvent {
    const seq = ++this.seq
    const logged: LoggedEvent = {
      ...event,
      seq,
      replayId: encodeReplayId(BigInt(seq)),
      at: this.now().getTime(),
    }
    for (const name of topicNames) {
      const topic = this.topics.get(name)
      if (!topic) continue
      topic.events.push(logged)
      this.trim(topic)
      for (const wake of topic.listeners) wake()
    }
    return logged
  }

  /** Whether a stream may resume after `seq` on this topic (retention, known positions). */
  check(name: string, seq: number): ReplayCheck {
    const topic = this.topics.get(name)!
    this.trim(topic)
    if (seq > this.seq) return 'unknown'
    return seq < topic.floor ? 'expired' : 'ok'
  }

  /** The position just before the oldest retained event: "earliest" as a resume point. */
  earliest(name: string): number {
    const topic = this.topics.get(name)!
    this.trim(topic)
    return topic.floor
  }

  /** Up to `max` events of the topic after position `after`, oldest first. */
  read(name: string, after: number, max: number): LoggedEvent[] {
    const topic = this.topics.get(name)!
    const events = topic.events
    // Binary search for the first event after the position.
    let lo = topic.start
    let hi = events.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (events[mid]!.seq <= after) lo = mid + 1
      else hi = mid
    }
    return events.slice(lo, Math.min(events.length, lo + max))
  }

  /** The last retained event's position on the topic (its floor when none is retained). */
  lastOf(name: string): number {
    const topic = this.topics.get(name)!
    return topic.events.length > topic.start ? topic.events.at(-1)!.seq : topic.floor
  }

  /** Call `wake` whenever the topic gets an event; returns the unsubscribe function. */
  listen(name: string, wake: () => void): () => void {
    const topic = this.topics.get(name)!
    topic.listeners.add(wake)
    return () => topic.listeners.delete(wake)
  }

  private trim(topic: Topic): void {
    const oldest = this.now().getTime() - this.maxAgeMs
    const events = topic.events
    while (
      topic.start < events.length &&
      (events.length - topic.start > this.maxEvents || events[topic.start]!.at < oldest)
    ) {
      topic.floor = events[topic.start]!.seq
      topic.start++
    }
    // Compact now and then rather than shifting the array on every drop.
    if (topic.start > 1024 && topic.start * 2 > events.length) {
      topic.events = events.slice(topic.start)
      topic.start = 0
    }
  }
}
