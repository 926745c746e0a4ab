// The emulator's Pub/Sub API: a grpc-js server (plaintext, on the emulator's host) serving
// eventbus.v1.PubSub from our own .proto: Subscribe, GetTopic, GetSchema, Publish, PublishStream.

import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import {
  Server,
  ServerCredentials,
  loadPackageDefinition,
  type GrpcObject,
  type Metadata,
  type ServiceClientConstructor,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js'
import { loadSync } from '@grpc/proto-loader'
import { authenticate, type AuthContext } from './pubsub-auth.js'
import { pubsubError, type PubSubErrorKind } from './pubsub-errors.js'
import type { PubSubFaults } from './pubsub-faults.js'
import type { EventLog } from './event-log.js'
import type { PlatformEvents } from './platform-events.js'
import type { SchemaRegistry } from './schema-registry.js'
import { SubscribeCall, type FetchRequestMessage } from './subscribe-call.js'

const PROTO = fileURLToPath(new URL('./assets/pubsub-api.proto', import.meta.url))

export interface PubSubServerDeps extends AuthContext {
  log: EventLog
  registry: SchemaRegistry
  platformEvents: PlatformEvents
  faults: PubSubFaults
  /** Idle time before a keepalive FetchResponse (Salesforce: at most 270 s). */
  keepaliveMs: number
}

interface ProducerEventMessage {
  id: string
  schema_id: string
  payload: Buffer
}
interface PublishRequestMessage {
  topic_name: string
  events: ProducerEventMessage[]
}

export interface PubSubServer {
  port: number
  close(): Promise<void>
}

function loadService(): ServiceClientConstructor {
  const definition = loadSync(PROTO, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  })
  const pkg = loadPackageDefinition(definition) as unknown as {
    eventbus: { v1: GrpcObject & { PubSub: ServiceClientConstructor } }
  }
  return pkg.eventbus.v1.PubSub
}

/** Checks what every call needs (not refused by a fault, authenticated); answers the error if not. */
function admit(
  deps: PubSubServerDeps,
  metadata: Metadata,
  refuse: (kind: PubSubErrorKind, message: string) => void,
): boolean {
  if (deps.faults.unavailable()) {
    refuse('unavailable', 'the service is unavailable (fault injection); retry later')
    return false
  }
  const auth = authenticate(deps, metadata)
  if ('refused' in auth) {
    refuse('auth', auth.refused)
    return false
  }
  return true
}

function publish(deps: PubSubServerDeps, req: PublishRequestMessage, rpcId: string) {
  const topic = deps.log.topic(req.topic_name)
  if (!topic)
    return { error: pubsubError('topicNotFound', `topic ${req.topic_name} does not exist`, rpcId) }
  if (!topic.canPublish)
    return {
      error: pubsubError(
        'publishDenied',
        `topic ${req.topic_name} does not accept publishing`,
        rpcId,
      ),
    }
  const results = req.events.map((e) => {
    try {
      const logged = deps.platformEvents.publishEncoded(
        req.topic_name,
        { id: e.id, schemaId: e.schema_id, payload: e.payload },
        deps.registry,
      )
      return { replay_id: logged.replayId, correlation_key: e.id || logged.id }
    } catch (err) {
      return {
        replay_id: Buffer.alloc(0),
        correlation_key: e.id,
        error: { code: 'PUBLISH', msg: err instanceof Error ? err.message : String(err) },
      }
    }
  })
  return { response: { results, schema_id: topic.schemaId, rpc_id: rpcId } }
}

export async function startPubSubServer(
  deps: PubSubServerDeps,
  listen: { host: string; port: number },
): Promise<PubSubServer> {
  const server = new Server()
  const service = loadService()
  server.addService(service.service, {
    Subscribe: (call: ServerDuplexStream<FetchRequestMessage, unknown>) => {
      const sub = new SubscribeCall(call, deps.log, deps.faults, deps.keepaliveMs)
      admit(deps, call.metadata, (kind, message) => sub.fail(kind, message))
    },
    GetTopic: (
      call: ServerUnaryCall<{ topic_name: string }, unknown>,
      callback: sendUnaryData<unknown>,
    ) => {
      const rpcId = randomUUID()
      if (!admit(deps, call.metadata, (k, m) => callback(pubsubError(k, m, rpcId)))) return
      const topic = deps.log.topic(call.request.topic_name)
      if (!topic)
        return callback(
          pubsubError('topicNotFound', `topic ${call.request.topic_name} does not exist`, rpcId),
        )
      callback(null, {
        topic_name: topic.name,
        tenant_guid: deps.orgId,
        can_publish: topic.canPublish,
        can_subscribe: true,
        schema_id: topic.schemaId,
        rpc_id: rpcId,
      })
    },
    GetSchema: (
      call: ServerUnaryCall<{ schema_id: string }, unknown>,
      callback: sendUnaryData<unknown>,
    ) => {
      const rpcId = randomUUID()
      if (!admit(deps, call.metadata, (k, m) => callback(pubsubError(k, m, rpcId)))) return
      const schema = deps.registry.get(call.request.schema_id)
      if (!schema)
        return callback(pubsubError('schemaNotFound', `no schema ${call.request.schema_id}`, rpcId))
      callback(null, { schema_json: schema.json, schema_id: schema.id, rpc_id: rpcId })
    },
    Publish: (
      call: ServerUnaryCall<PublishRequestMessage, unknown>,
      callback: sendUnaryData<unknown>,
    ) => {
      const rpcId = randomUUID()
      if (!admit(deps, call.metadata, (k, m) => callback(pubsubError(k, m, rpcId)))) return
      const out = publish(deps, call.request, rpcId)
      if (out.error) callback(out.error)
      else callback(null, out.response)
    },
    PublishStream: (call: ServerDuplexStream<PublishRequestMessage, unknown>) => {
      const rpcId = randomUUID()
      const fail = (error: object) => call.emit('error', error)
      if (!admit(deps, call.metadata, (k, m) => fail(pubsubError(k, m, rpcId)))) return
      call.on('data', (req: PublishRequestMessage) => {
        const out = publish(deps, req, rpcId)
        if (out.error) fail(out.error)
        else call.write(out.response)
      })
      call.on('end', () => call.end())
    },
  })
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`,
      ServerCredentials.createInsecure(),
      (err, bound) => (err ? reject(err) : resolve(bound)),
    ),
  )
  return {
    port,
    // Open streams would hold a graceful shutdown for as long as their clients stay.
    close: () => {
      server.forceShutdown()
      return Promise.resolve()
    },
  }
}
