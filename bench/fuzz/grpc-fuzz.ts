// Malformed Pub/Sub API calls over gRPC (@grpc/grpc-js, raw bytes, no generated stubs): random
// and truncated protobuf, wrong or missing metadata (accesstoken, instanceurl, tenantid), replay
// ids that are empty, too long or from nowhere, num_requested out of range. A server error is a
// call ended INTERNAL or UNKNOWN; a call that never ends is a hang.
import { Client, credentials, Metadata, status } from '@grpc/grpc-js'
import type { SeededRandom } from '../suite/seeded-random.js'

const RPCS = [
  'GetTopic',
  'GetSchema',
  'Publish',
  'Subscribe',
  'PublishStream',
  'ManagedSubscribe',
  'Bogus',
] as const

export interface GrpcAnswer {
  code: number
  details: string
  hung: boolean
}

export interface GrpcContext {
  endpoint: string
  url: string
  orgId: string
  session: string
}

// Protobuf by hand: varint, and length-delimited fields.
function varint(n: number): Buffer {
  const out: number[] = []
  let v = n >>> 0
  while (v > 127) {
    out.push((v & 127) | 128)
    v >>>= 7
  }
  out.push(v)
  return Buffer.from(out)
}
const str = (field: number, value: Buffer | string) => {
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value)
  return Buffer.concat([varint((field << 3) | 2), varint(b.length), b])
}
const int = (field: number, value: number) => Buffer.concat([varint(field << 3), varint(value)])

function replayId(r: SeededRandom): Buffer {
  return r.pick([
    Buffer.alloc(0),
    Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]),
    Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    Buffer.from([1, 2, 3]),
    Buffer.alloc(64, 7),
    Buffer.from('not-a-replay-id'),
  ])
}

function message(r: SeededRandom, rpc: string): Buffer {
  const topic = r.pick([
    '/data/ChangeEvents',
    '/data/AccountChangeEvent',
    '/event/Order_Event__e',
    '/bogus',
    '',
    '/event/' + 'x'.repeat(5000),
  ])
  switch (r.int(4)) {
    case 0: // garbage bytes
      return Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256)))
    case 1: // a truncated field
      return Buffer.concat([varint((1 << 3) | 2), varint(100), Buffer.from('short')])
    default:
      if (rpc === 'Subscribe' || rpc === 'ManagedSubscribe')
        return Buffer.concat([
          str(1, topic),
          int(2, r.int(5)),
          str(3, replayId(r)),
          int(4, r.pick([0, 1, 100, 0xffffffff, 2 ** 31])),
        ])
      if (rpc === 'GetSchema') return str(1, r.pick(['', 'bogus', 'x'.repeat(3000)]))
      if (rpc.startsWith('Publish'))
        return Buffer.concat([
          str(1, topic),
          str(
            2,
            Buffer.concat([str(1, 'id'), str(2, 'schema'), str(3, Buffer.from([0xff, 1, 2]))]),
          ),
        ])
      return str(1, topic)
  }
}

function metadata(r: SeededRandom, ctx: GrpcContext): Metadata {
  const md = new Metadata()
  // Half the calls carry good credentials, so that the message itself is what gets tested.
  if (r.chance(0.5)) {
    md.set('accesstoken', ctx.session)
    md.set('instanceurl', ctx.url)
    md.set('tenantid', ctx.orgId)
    return md
  }
  const token = r.pick([ctx.session, ctx.session, '', 'bogus', `${ctx.session}x`, 'A'.repeat(8000)])
  if (r.chance(0.85)) md.set('accesstoken', token)
  if (r.chance(0.85))
    md.set('instanceurl', r.pick([ctx.url, ctx.url, 'http://evil.example', '', 'not a url']))
  if (r.chance(0.85))
    md.set('tenantid', r.pick([ctx.orgId, ctx.orgId, '00D000000000000AAA', '', 'x']))
  if (r.chance(0.1)) md.add('accesstoken', 'second')
  return md
}

const identity = (b: Buffer) => b

/** One malformed call; the stream calls are cancelled after `settleMs` if still open (normal). */
export async function grpcFuzzCall(
  client: Client,
  r: SeededRandom,
  ctx: GrpcContext,
  timeoutMs: number,
): Promise<GrpcAnswer> {
  const rpc = r.pick(RPCS)
  const path = `/eventbus.v1.PubSub/${rpc}`
  const md = metadata(r, ctx)
  const msg = message(r, rpc)
  return new Promise((resolve) => {
    const timers: { settle?: NodeJS.Timeout } = {}
    let done = false
    const finish = (a: GrpcAnswer) => {
      if (done) return
      done = true
      clearTimeout(hang)
      clearTimeout(timers.settle)
      resolve(a)
    }
    const hang = setTimeout(() => finish({ code: -1, details: 'no end', hung: true }), timeoutMs)
    if (rpc === 'GetTopic' || rpc === 'GetSchema' || rpc === 'Publish' || rpc === 'Bogus') {
      client.makeUnaryRequest(path, identity, identity, msg, md, (err) =>
        finish({ code: err?.code ?? status.OK, details: err?.details ?? '', hung: false }),
      )
      return
    }
    const call = client.makeBidiStreamRequest(path, identity, identity, md)
    call.on('data', () => undefined)
    call.on('error', (err: { code: number; details: string }) =>
      finish({ code: err.code, details: err.details, hung: false }),
    )
    call.on('status', (s: { code: number; details: string }) =>
      finish({ code: s.code, details: s.details, hung: false }),
    )
    call.write(msg)
    if (r.chance(0.3)) call.write(message(r, rpc))
    if (r.chance(0.5)) call.end()
    // A Subscribe that stays open waiting for events is behaving: cancel it after a moment.
    timers.settle = setTimeout(() => call.cancel(), 300)
  })
}

export function grpcClient(endpoint: string): Client {
  return new Client(endpoint, credentials.createInsecure())
}

/** INTERNAL and UNKNOWN are the server's own failures; everything else is a refusal or OK. */
export const grpcServerError = (code: number) =>
  code === (status.INTERNAL as number) || code === (status.UNKNOWN as number)
