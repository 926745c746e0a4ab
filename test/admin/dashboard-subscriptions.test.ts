// The dashboard's event subscription pages over plain HTTP with a signed-in session: the list
// with state and counts, one subscription's position, lease, last error and dead letters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedIn, type AdminCaller } from './admin-api-client.js'
import { startAdminServer, type AdminServer } from './admin-fixture.js'

let server: AdminServer
let call: AdminCaller

beforeAll(async () => {
  server = await startAdminServer()
  call = await signedIn(server.url)
  const subs = server.store.subscriptions
  const binding = {
    service: 'accounts.follow',
    connection: 'crm',
    topic: '/data/AccountChangeEvent',
  }
  await subs.ensure(binding, Date.now())
  const fence = (await subs.acquire(binding.service, 'node-a:1:x', Date.now(), 60_000))!
  await subs.saveBatch(
    binding.service,
    fence,
    { position: 'AAAAKg==', orgId: '00Dorg', events: 7 },
    Date.now(),
  )
  await subs.recordError(binding.service, fence, 'attempt 1 of 5: <boom>', Date.now())
  await subs.addDeadLetter(
    {
      id: 'dl-7',
      service: binding.service,
      topic: binding.topic,
      events: '[]',
      eventCount: 2,
      firstReplayId: 'AAAAKg==',
      lastReplayId: 'AAAAKg==',
      error: 'attempt 5 of 5: boom',
      attempts: 5,
      state: 'parked',
    },
    Date.now(),
  )
})

afterAll(async () => {
  await server?.close()
})

describe('subscription pages', () => {
  it('lists subscriptions and shows one with its dead letters, escaped', async () => {
    const list = await call('GET', '/admin/subscriptions')
    expect(list.status).toBe(200)
    expect(list.body).toContain('href="/admin/subscriptions/accounts.follow"')
    expect(list.body).toContain('/data/AccountChangeEvent')
    const one = await call('GET', '/admin/subscriptions/accounts.follow')
    expect(one.status).toBe(200)
    const text = String(one.body)
    expect(text).toContain('AAAAKg==')
    expect(text).toContain('node-a:1:x')
    expect(text).toContain('7 events in 1 batches')
    expect(text).toContain('&lt;boom&gt;')
    expect(text).toContain('dl-7')
    expect((await call('GET', '/admin/subscriptions/nope')).status).toBe(404)
  })
})
