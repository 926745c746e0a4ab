// Shared by the emulator's Pub/Sub tests: a raw grpc-js client of eventbus.v1.PubSub (loaded from
// the client library's own .proto, so the two definitions check each other on the wire) and
// Avro decoding with BigInt longs, without any of forcebridge's client code.

import { fileURLToPath } from 'node:url'
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type ChannelCredentials,
  type ClientDuplexStream,
  type ServiceError,
} from '@grpc/grpc-js'
import { loadSync } from '@grpc/proto-loader'
import avro from 'avsc'
import type { EmulatorHandle } from '../../src/emulator/index.js'
import { passwordLogin } from './login-helper.js'

const PROTO = fileURLToPath(
  new URL('../../src/salesforce/events/assets/pubsub-api.proto', import.meta.url),
)

type Callback = (err: ServiceError | null, res: unknown) => void
/** The generated client's methods the tests call. */
export interface RawClient {
  GetTopic(req: object, md: Metadata, cb: Callback): void
  GetSchema(req: object, md: Metadata, cb: Callback): void
  Publish(req: object, md: Metadata, cb: Callback): void
  Subscribe(md: Metadata): ClientDuplexStream<object, FetchResponse>
  PublishStream(md: Metadata): ClientDuplexStream<object, unknown>
  close(): void
}
type Unary = 'GetTopic' | 'GetSchema' | 'Publish'

export interface RawEvent {
  replayId: Buffer
  schemaId: string
  payload: Buffer
  id: string
}

export interface FetchResponse {
  events: { event: { id: string; schema_id: string; payload: Buffer }; replay_id: Buffer }[]
  latest_replay_id: Buffer
  rpc_id: string
  pending_num_requested: number
}

const longType = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const buf = Buffer.alloc(8)
    buf.writeBigInt64LE(BigInt(n))
    return buf
  },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n: unknown) => typeof n === 'bigint' || typeof n === 'number',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
})

export async function rawPubSub(emu: EmulatorHandle) {
  const definition = loadSync(PROTO, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  })
  const pkg = loadPackageDefinition(definition) as unknown as {
    eventbus: { v1: { PubSub: new (address: string, creds: ChannelCredentials) => RawClient } }
  }
  const client = new pkg.eventbus.v1.PubSub(emu.pubsubEndpoint, credentials.createInsecure())
  const token = await passwordLogin(emu.url)
  const metadata = (accessToken = token.access_token) => {
    const m = new Metadata()
    m.set('accesstoken', accessToken)
    m.set('instanceurl', token.instance_url)
    m.set('tenantid', emu.orgId)
    return m
  }
  const unary = <T>(method: Unary, req: object, md = metadata()) =>
    new Promise<T>((resolve, reject) =>
      client[method](req, md, (err, res) => (err ? reject(err) : resolve(res as T))),
    )
  const schemas = new Map<string, avro.Type>()
  const decode = async (schemaId: string, payload: Buffer): Promise<Record<string, unknown>> => {
    let type = schemas.get(schemaId)
    if (!type) {
      const info = await unary<{ schema_json: string }>('GetSchema', { schema_id: schemaId })
      type = avro.Type.forSchema(JSON.parse(info.schema_json) as avro.Schema, {
        registry: { long: longType },
      })
      schemas.set(schemaId, type)
    }
    return type.fromBuffer(payload) as Record<string, unknown>
  }
  return {
    client,
    token,
    metadata,
    unary,
    decode,
    schemaType: async (schemaId: string) => {
      await decode(schemaId, Buffer.alloc(0)).catch(() => undefined)
      return schemas.get(schemaId)!
    },
    /** A Subscribe stream: the responses as they come, and the status it ends with. */
    subscribe(md = metadata()) {
      const call = client.Subscribe(md)
      const responses: FetchResponse[] = []
      const waiters: (() => void)[] = []
      let ended: ServiceError | undefined
      call.on('data', (r: FetchResponse) => {
        responses.push(r)
        for (const w of waiters.splice(0)) w()
      })
      call.on('error', (err: ServiceError) => {
        ended = err
        for (const w of waiters.splice(0)) w()
      })
      const events = () => responses.flatMap((r) => r.events)
      return {
        call,
        responses,
        events,
        error: () => ended,
        /** Wait until `check()` holds (or the stream ended), with a time cap. */
        async until(check: () => boolean, ms = 5000): Promise<void> {
          const deadline = Date.now() + ms
          while (!check() && !ended) {
            if (Date.now() > deadline) throw new Error('timed out waiting on the stream')
            await new Promise<void>((resolve) => {
              waiters.push(resolve)
              setTimeout(resolve, 50)
            })
          }
        },
      }
    },
    close: () => client.close(),
  }
}
