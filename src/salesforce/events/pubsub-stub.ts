// The gRPC stub of Salesforce's Pub/Sub API (eventbus.v1.PubSub) from the client's own .proto,
// and the call metadata Salesforce reads: accesstoken, instanceurl, tenantid (the org id).

import { fileURLToPath } from 'node:url'
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type ChannelCredentials,
  type ClientDuplexStream,
  type ServiceError,
} from '@grpc/grpc-js'
import { loadSync, type PackageDefinition } from '@grpc/proto-loader'
import type { TokenInfo } from '../token-info.js'

const PROTO = fileURLToPath(new URL('./assets/pubsub-api.proto', import.meta.url))

export interface ProducerEventMessage {
  id: string
  schema_id: string
  payload: Buffer
  headers?: { key: string; value: Buffer }[]
}
export interface ConsumerEventMessage {
  event: ProducerEventMessage
  replay_id: Buffer
}
export interface FetchRequestMessage {
  topic_name?: string
  replay_preset?: 'LATEST' | 'EARLIEST' | 'CUSTOM'
  replay_id?: Buffer
  num_requested: number
}
export interface FetchResponseMessage {
  events: ConsumerEventMessage[]
  latest_replay_id: Buffer
  rpc_id: string
  pending_num_requested: number
}
export interface TopicInfoMessage {
  topic_name: string
  tenant_guid: string
  can_publish: boolean
  can_subscribe: boolean
  schema_id: string
  rpc_id: string
}
export interface PublishResponseMessage {
  results: {
    replay_id: Buffer
    error: { code: string; msg: string } | null
    correlation_key: string
  }[]
  schema_id: string
  rpc_id: string
}

type Callback<T> = (err: ServiceError | null, res: T) => void

/** The methods of the generated client forcebridge calls. */
export interface PubSubStub {
  GetTopic(req: { topic_name: string }, md: Metadata, cb: Callback<TopicInfoMessage>): void
  GetSchema(
    req: { schema_id: string },
    md: Metadata,
    cb: Callback<{ schema_json: string; schema_id: string }>,
  ): void
  Publish(
    req: { topic_name: string; events: ProducerEventMessage[] },
    md: Metadata,
    cb: Callback<PublishResponseMessage>,
  ): void
  Subscribe(md: Metadata): ClientDuplexStream<FetchRequestMessage, FetchResponseMessage>
  close(): void
}

let definition: PackageDefinition | undefined

/** Salesforce's endpoint over TLS; a loopback endpoint (the emulator) in plaintext. */
export function createStub(endpoint: string): PubSubStub {
  definition ??= loadSync(PROTO, { keepCase: true, longs: String, enums: String, defaults: true })
  const pkg = loadPackageDefinition(definition) as unknown as {
    eventbus: {
      v1: {
        PubSub: new (
          address: string,
          creds: ChannelCredentials,
          options: Record<string, unknown>,
        ) => PubSubStub
      }
    }
  }
  const host = endpoint.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.')
  return new pkg.eventbus.v1.PubSub(
    endpoint,
    loopback ? credentials.createInsecure() : credentials.createSsl(),
    // A long-lived stream: let gRPC ping an idle connection so a dead one is noticed.
    { 'grpc.keepalive_time_ms': 60_000, 'grpc.max_receive_message_length': 8 * 1024 * 1024 },
  )
}

/** The org id in a token's identity URL (`.../id/<org>/<user>`). */
export function orgIdOf(token: TokenInfo): string {
  const parts = token.id.split('/')
  return parts.at(-2) ?? ''
}

/** The user id in a token's identity URL. */
export function userIdOf(token: TokenInfo): string {
  return token.id.split('/').at(-1) ?? ''
}

export function callMetadata(token: TokenInfo): Metadata {
  const md = new Metadata()
  md.set('accesstoken', token.accessToken)
  md.set('instanceurl', token.instanceUrl)
  md.set('tenantid', orgIdOf(token))
  return md
}
