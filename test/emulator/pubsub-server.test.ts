// The emulator's Pub/Sub server over real gRPC: auth and error trailers, GetTopic and GetSchema,
// flow control, keepalive, replay ids (resume, corrupted, outside retention), platform events
// through REST, Publish and PublishStream, and the faults a test can inject.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { status, type ServiceError } from '@grpc/grpc-js'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { apiClient, passwordLogin } from './login-helper.js'
import { pubsubOrg } from './pubsub-org.js'
import { rawPubSub } from './pubsub-helper.js'

let emu: EmulatorHandle
let ps: Awaited<ReturnType<typeof rawPubSub>>
let api: ReturnType<typeof apiClient>
const TOPIC = '/event/Order_Placed__e'

beforeAll(async () => {
  emu = await startEmulator({
    org: pubsubOrg,
    pubsub: { keepaliveMs: 200, retention: { maxEvents: 50 } },
  })
  ps = await rawPubSub(emu)
  api = apiClient(emu.url, ps.token.access_token)
})
afterAll(async () => {
  ps?.close()
  await emu?.close()
})

const publishRest = (n: number, from = 0) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      api('POST', '/sobjects/Order_Placed__e', { Order_Number__c: `O-${from + i}`, Amount__c: i }),
    ),
  )

async function failure(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p
  } catch (err) {
    return err as ServiceError
  }
  throw new Error('expected the call to fail')
}

describe('auth and errors', () => {
  it('refuses a bad token with UNAUTHENTICATED and the error-code and rpc-id trailers', async () => {
    const err = await failure(
      ps.unary('GetTopic', { topic_name: TOPIC }, ps.metadata('00Dbad!token')),
    )
    expect(err.code).toBe(status.UNAUTHENTICATED)
    expect(err.metadata.get('error-code')).toEqual([
      'sfdc.platform.eventbus.grpc.service.auth.error',
    ])
    const rpcId = err.metadata.get('rpc-id')[0] as string
    expect(rpcId).toMatch(/^[0-9a-f-]{36}$/)
    expect(err.details.endsWith(rpcId)).toBe(true)
  })

  it('GetTopic and GetSchema describe a platform event topic', async () => {
    const topic = await ps.unary<Record<string, unknown>>('GetTopic', { topic_name: TOPIC })
    expect(topic).toMatchObject({ topic_name: TOPIC, can_publish: true, can_subscribe: true })
    expect(topic.tenant_guid).toBe(emu.orgId)
    expect(topic.schema_id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    const schema = await ps.unary<{ schema_json: string }>('GetSchema', {
      schema_id: topic.schema_id,
    })
    const json = JSON.parse(schema.schema_json) as { name: string; fields: { name: string }[] }
    expect(json.name).toBe('Order_Placed__e')
    expect(json.fields.map((f) => f.name)).toContain('Order_Number__c')
    const cdc = await ps.unary<Record<string, unknown>>('GetTopic', {
      topic_name: '/data/AccountChangeEvent',
    })
    expect(cdc.can_publish).toBe(false)
    const missing = await failure(ps.unary('GetTopic', { topic_name: '/event/Nope__e' }))
    expect(missing.code).toBe(status.NOT_FOUND)
  })
})

describe('Subscribe', () => {
  it('sends no more than requested; demand adds up', async () => {
    const sub = ps.subscribe()
    sub.call.write({ topic_name: TOPIC, replay_preset: 'LATEST', num_requested: 2 })
    await ps.unary('GetTopic', { topic_name: TOPIC })
    await new Promise((r) => setTimeout(r, 50))
    await publishRest(5)
    await sub.until(() => sub.events().length >= 2)
    await new Promise((r) => setTimeout(r, 150))
    expect(sub.events()).toHaveLength(2)
    expect(sub.responses.at(-1)!.pending_num_requested).toBe(0)
    sub.call.write({ num_requested: 1 })
    sub.call.write({ num_requested: 10 })
    await sub.until(() => sub.events().length >= 5)
    expect(sub.events()).toHaveLength(5)
    const last = sub.responses.filter((r) => r.events.length > 0).at(-1)!
    expect(last.pending_num_requested).toBe(11 - 3)
    const numbers = await Promise.all(
      sub
        .events()
        .map(async (e) => (await ps.decode(e.event.schema_id, e.event.payload)).Order_Number__c),
    )
    expect(numbers.sort()).toEqual(['O-0', 'O-1', 'O-2', 'O-3', 'O-4'])
    sub.call.cancel()
  })

  it('answers an idle stream with a keepalive carrying the latest replay id', async () => {
    const sub = ps.subscribe()
    sub.call.write({ topic_name: TOPIC, replay_preset: 'LATEST', num_requested: 1 })
    await sub.until(() => sub.responses.length >= 1)
    expect(sub.responses[0]!.events).toEqual([])
    expect(sub.responses[0]!.latest_replay_id.length).toBeGreaterThan(0)
    sub.call.cancel()
  })

  it('resumes after a replay id, and refuses a corrupted or expired one', async () => {
    const first = ps.subscribe()
    first.call.write({ topic_name: TOPIC, replay_preset: 'EARLIEST', num_requested: 100 })
    await first.until(() => first.events().length >= 5)
    first.call.cancel()
    const events = first.events()
    const resume = ps.subscribe()
    resume.call.write({
      topic_name: TOPIC,
      replay_preset: 'CUSTOM',
      replay_id: events[1]!.replay_id,
      num_requested: 100,
    })
    await resume.until(() => resume.events().length >= events.length - 2)
    expect(resume.events()[0]!.replay_id).toEqual(events[2]!.replay_id)

    const corrupt = ps.subscribe()
    corrupt.call.write({
      topic_name: TOPIC,
      replay_preset: 'CUSTOM',
      replay_id: Buffer.from([1, 2, 3]),
      num_requested: 1,
    })
    await corrupt.until(() => false).catch(() => undefined)
    expect(corrupt.error()?.code).toBe(status.INVALID_ARGUMENT)
    expect(corrupt.error()?.metadata.get('error-code')).toEqual([
      'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
    ])

    // Retention keeps 50 events per topic: the first one's id falls out of the window.
    await publishRest(50, 100)
    const expired = ps.subscribe()
    expired.call.write({
      topic_name: TOPIC,
      replay_preset: 'CUSTOM',
      replay_id: events[0]!.replay_id,
      num_requested: 1,
    })
    await expired.until(() => false).catch(() => undefined)
    expect(expired.error()?.code).toBe(status.INVALID_ARGUMENT)
    expect(expired.error()?.metadata.get('error-code')).toEqual([
      'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed',
    ])
  })

  it('refuses a second topic on the same stream', async () => {
    const sub = ps.subscribe()
    sub.call.write({ topic_name: TOPIC, replay_preset: 'LATEST', num_requested: 1 })
    sub.call.write({ topic_name: '/data/ChangeEvents', num_requested: 1 })
    await sub.until(() => false).catch(() => undefined)
    expect(sub.error()?.code).toBe(status.INVALID_ARGUMENT)
  })
})

describe('publishing', () => {
  it('REST answers OPERATION_ENQUEUED and refuses unknown fields', async () => {
    const ok = await api('POST', '/sobjects/Order_Placed__e', { Order_Number__c: 'R-1' })
    expect(ok.status).toBe(201)
    expect(ok.body).toMatchObject({ success: true, errors: [{ statusCode: 'OPERATION_ENQUEUED' }] })
    const bad = await api('POST', '/sobjects/Order_Placed__e', { Nope__c: 1 })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject([{ errorCode: 'INVALID_FIELD' }])
    const missing = await api('POST', '/sobjects/Order_Placed__e', { Amount__c: 1 })
    expect(missing.body).toMatchObject([{ errorCode: 'REQUIRED_FIELD_MISSING' }])
  })

  it('Publish and PublishStream answer per event; a bad payload fails alone', async () => {
    const topic = await ps.unary<{ schema_id: string }>('GetTopic', { topic_name: TOPIC })
    const type = await ps.schemaType(topic.schema_id)
    const payload = type.toBuffer({
      CreatedDate: BigInt(Date.now()),
      CreatedById: '005000000000000AAA',
      Order_Number__c: 'P-1',
      Amount__c: 3,
      Rush__c: true,
    })
    const sub = ps.subscribe()
    sub.call.write({ topic_name: TOPIC, replay_preset: 'LATEST', num_requested: 10 })
    await ps.unary('GetTopic', { topic_name: TOPIC })
    await new Promise((r) => setTimeout(r, 50))
    const res = await ps.unary<{
      results: { replay_id: Buffer; error: unknown; correlation_key: string }[]
    }>('Publish', {
      topic_name: TOPIC,
      events: [
        { id: 'e-1', schema_id: topic.schema_id, payload },
        { id: 'e-2', schema_id: topic.schema_id, payload: Buffer.from([0xff]) },
      ],
    })
    expect(res.results[0]).toMatchObject({ correlation_key: 'e-1', error: null })
    expect(res.results[0]!.replay_id.length).toBe(8)
    expect(res.results[1]!.error).toMatchObject({ code: 'PUBLISH' })

    const stream = ps.client.PublishStream(ps.metadata())
    const answers: unknown[] = []
    stream.on('data', (a) => answers.push(a))
    stream.write({
      topic_name: TOPIC,
      events: [{ id: 'e-3', schema_id: topic.schema_id, payload }],
    })
    await sub.until(() => sub.events().length >= 2 && answers.length >= 1)
    stream.end()
    const decoded = await ps.decode(topic.schema_id, sub.events()[0]!.event.payload)
    expect(decoded).toMatchObject({ Order_Number__c: 'P-1', Rush__c: true, Amount__c: 3 })
    expect(answers).toHaveLength(1)
    sub.call.cancel()

    const denied = await failure(
      ps.unary('Publish', { topic_name: '/data/AccountChangeEvent', events: [] }),
    )
    expect(denied.code).toBe(status.PERMISSION_DENIED)
  })
})

describe('faults', () => {
  it('drops a stream after N events and expires the sessions while it stays open', async () => {
    emu.faults.set({ pubsub: { dropStreamAfterEvents: 2, expireSessionsAfterEvents: 1 } })
    try {
      const sub = ps.subscribe()
      sub.call.write({ topic_name: TOPIC, replay_preset: 'LATEST', num_requested: 10 })
      await ps.unary('GetTopic', { topic_name: TOPIC })
      await new Promise((r) => setTimeout(r, 50))
      // One call publishes all three: the first event sent expires the sessions, so a second
      // REST call would be refused before its event existed.
      const topic = await ps.unary<{ schema_id: string }>('GetTopic', { topic_name: TOPIC })
      const type = await ps.schemaType(topic.schema_id)
      const events = [500, 501, 502].map((n) => ({
        id: `f-${n}`,
        schema_id: topic.schema_id,
        payload: type.toBuffer({
          CreatedDate: BigInt(Date.now()),
          CreatedById: '005000000000000AAA',
          Order_Number__c: `O-${n}`,
          Amount__c: n,
          Rush__c: false,
        }),
      }))
      await ps.unary('Publish', { topic_name: TOPIC, events })
      await sub.until(() => false).catch(() => undefined)
      expect(sub.events()).toHaveLength(2)
      expect(sub.error()?.code).toBe(status.UNAVAILABLE)
      const expired = await failure(ps.unary('GetTopic', { topic_name: TOPIC }))
      expect(expired.code).toBe(status.UNAUTHENTICATED)
    } finally {
      emu.faults.clear()
    }
  })

  it('answers the next calls UNAVAILABLE, then serves again', async () => {
    const fresh = await passwordLogin(emu.url)
    emu.faults.set({ pubsub: { unavailableCalls: 1 } })
    try {
      const md = ps.metadata(fresh.access_token)
      const unavailable = await failure(ps.unary('GetTopic', { topic_name: TOPIC }, md))
      expect(unavailable.code).toBe(status.UNAVAILABLE)
      expect(unavailable.metadata.get('error-code')).toEqual([
        'sfdc.platform.eventbus.grpc.service.unavailable',
      ])
      await ps.unary('GetTopic', { topic_name: TOPIC }, ps.metadata(fresh.access_token))
    } finally {
      emu.faults.clear()
    }
  })
})
