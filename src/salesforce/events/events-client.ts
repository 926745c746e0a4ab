// `client.events`: Salesforce's Pub/Sub API for one connection. Subscriptions and publishing
// share one gRPC channel and the client's login through the auth seam (client.auth).

import { randomUUID } from 'node:crypto'
import { status, type Metadata, type ServiceError } from '@grpc/grpc-js'
import type { TokenProvider } from '../token-provider.js'
import { SchemaCache } from './avro-codec.js'
import { EventSubscription, type SubscribeOptions } from './event-subscription.js'
import { PubSubError } from './pubsub-error.js'
import {
  callMetadata,
  createStub,
  userIdOf,
  type PubSubStub,
  type PublishResponseMessage,
  type TopicInfoMessage,
} from './pubsub-stub.js'

/** Salesforce's Pub/Sub endpoint (TLS). */
export const DEFAULT_PUBSUB_ENDPOINT = 'api.pubsub.salesforce.com:7443'

export interface TopicInfo {
  topicName: string
  tenantGuid: string
  canPublish: boolean
  canSubscribe: boolean
  /** The topic's current schema ('' for /data/ChangeEvents, which mixes entities). */
  schemaId: string
}

/** The outcome of one published event, in the order given. */
export type PublishResult =
  | { ok: true; id: string; replayId: Buffer }
  | { ok: false; id: string; error: { code: string; message: string } }

export interface EventsClientOptions {
  /** `host:port` of the Pub/Sub API; a loopback host (the emulator) is spoken to in plaintext. */
  endpoint?: string
}

export class EventsClient {
  readonly endpoint: string
  readonly #connection: string
  readonly #auth: TokenProvider
  readonly #schemas: SchemaCache
  #stub: PubSubStub | undefined

  /**
   * Usually reached as `client.events`; a runtime may build one on any auth seam.
   * @example const events = new EventsClient('crm', client.auth, { endpoint: emu.pubsubEndpoint })
   */
  constructor(connection: string, auth: TokenProvider, options: EventsClientOptions = {}) {
    this.#connection = connection
    this.#auth = auth
    this.endpoint = options.endpoint ?? DEFAULT_PUBSUB_ENDPOINT
    this.#schemas = new SchemaCache(async (schemaId) => {
      const info = await this.#unary<{ schema_json: string }>((stub, md, cb) =>
        stub.GetSchema({ schema_id: schemaId }, md, cb),
      )
      return info.schema_json
    })
  }

  /**
   * Events of a topic as an async iterable.
   * @example
   * for await (const e of client.events.subscribe('/data/AccountChangeEvent', { batchSize: 50 })) {
   *   console.log(e.change?.changeType, e.change?.recordIds, e.change?.changedFields)
   *   await save(e.replayId) // resume later with { replay: { after: storedReplayId } }
   * }
   */
  subscribe(topic: string, options: SubscribeOptions = {}): EventSubscription {
    return new EventSubscription(
      topic,
      {
        connection: this.#connection,
        stub: () => this.#channel(),
        auth: this.#auth,
        schemas: this.#schemas,
      },
      options,
    )
  }

  async topic(name: string): Promise<TopicInfo> {
    const t = await this.#unary<TopicInfoMessage>(
      (stub, md, cb) => stub.GetTopic({ topic_name: name }, md, cb),
      name,
    )
    return {
      topicName: t.topic_name,
      tenantGuid: t.tenant_guid,
      canPublish: t.can_publish,
      canSubscribe: t.can_subscribe,
      schemaId: t.schema_id,
    }
  }

  /** The Avro schema (JSON text) of a schema id. */
  async schema(schemaId: string): Promise<string> {
    const info = await this.#unary<{ schema_json: string }>((stub, md, cb) =>
      stub.GetSchema({ schema_id: schemaId }, md, cb),
    )
    return info.schema_json
  }

  /**
   * Publish platform events (records of the topic's schema), one result per event. CreatedDate
   * and CreatedById are filled in when left out. A record the schema cannot encode fails alone.
   */
  async publish(
    topic: string,
    events: readonly Record<string, unknown>[],
  ): Promise<PublishResult[]> {
    const info = await this.topic(topic)
    const type = await this.#schemas.get(info.schemaId)
    const token = await this.#auth.current()
    const results: (PublishResult | undefined)[] = []
    const sent: { id: string; schema_id: string; payload: Buffer }[] = []
    const fields = new Set(
      (type as unknown as { fields?: { name: string }[] }).fields?.map((f) => f.name) ?? [],
    )
    for (const record of events) {
      const id = randomUUID()
      const full: Record<string, unknown> = { ...record }
      if (fields.has('CreatedDate')) full.CreatedDate ??= BigInt(Date.now())
      if (fields.has('CreatedById')) full.CreatedById ??= userIdOf(token)
      for (const f of fields) full[f] ??= null
      try {
        sent.push({ id, schema_id: info.schemaId, payload: type.toBuffer(full) })
        results.push(undefined)
      } catch (err) {
        results.push({
          ok: false,
          id,
          error: {
            code: 'INVALID_PAYLOAD',
            message: err instanceof Error ? err.message : String(err),
          },
        })
      }
    }
    if (sent.length > 0) {
      const res = await this.#unary<PublishResponseMessage>(
        (stub, md, cb) => stub.Publish({ topic_name: topic, events: sent }, md, cb),
        topic,
      )
      let i = 0
      for (const [index, r] of results.entries()) {
        if (r) continue
        const event = sent[i]!
        const answer = res.results[i++]
        results[index] =
          answer && !answer.error
            ? { ok: true, id: event.id, replayId: answer.replay_id }
            : {
                ok: false,
                id: event.id,
                error: {
                  code: answer?.error?.code ?? 'UNKNOWN',
                  message: answer?.error?.msg ?? 'no result',
                },
              }
      }
    }
    return results as PublishResult[]
  }

  /** Closes the gRPC channel (open subscriptions end). */
  close(): void {
    this.#stub?.close()
    this.#stub = undefined
  }

  #channel(): PubSubStub {
    return (this.#stub ??= createStub(this.endpoint))
  }

  /** A unary call with the current token; on an auth refusal, one new token and one more try. */
  async #unary<T>(
    call: (stub: PubSubStub, md: Metadata, cb: (err: ServiceError | null, res: T) => void) => void,
    topic?: string,
  ): Promise<T> {
    const once = (md: Metadata) =>
      new Promise<T>((resolve, reject) =>
        call(this.#channel(), md, (err, res) => (err ? reject(err) : resolve(res))),
      )
    let token = await this.#auth.current()
    try {
      return await once(callMetadata(token))
    } catch (err) {
      const e = err as ServiceError
      if (e.code !== status.UNAUTHENTICATED) throw new PubSubError(this.#connection, e, topic)
      await this.#auth.invalidate(token)
      token = await this.#auth.current()
      try {
        return await once(callMetadata(token))
      } catch (again) {
        throw new PubSubError(this.#connection, again as ServiceError, topic)
      }
    }
  }
}
