// `forcebridge subscription` in process, on a store holding one subscription and a parked dead
// letter, as an operator would inspect, pause, resume, reset and retry it; each change audited.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/index.js'
import { runCli } from './fixtures/run-cli.js'
import { testDatabase } from '../fixtures/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-cli-subs-'))
const home = join(dir, 'home')
const replayId = Buffer.from([0, 0, 0, 0, 0, 0, 0, 42]).toString('base64')
let store: Store

beforeAll(async () => {
  Object.assign(process.env, { FORCEBRIDGE_HOME: home, FORCEBRIDGE_LOG_LEVEL: 'warn' })
  store = await openStore({ home, ...(await testDatabase(home)) })
  const service = 'accounts.follow'
  await store.subscriptions.ensure(
    { service, connection: 'crm', topic: '/data/AccountChangeEvent' },
    Date.now(),
  )
  const fence = (await store.subscriptions.acquire(service, 'node-a:1:x', Date.now(), 60_000))!
  await store.subscriptions.saveBatch(
    service,
    fence,
    { position: replayId, orgId: '00D000000000001AAA', events: 3 },
    Date.now(),
  )
  await store.deadLetters.add(
    {
      id: 'dl-1',
      service,
      topic: '/data/AccountChangeEvent',
      events: '[]',
      eventCount: 2,
      firstReplayId: replayId,
      lastReplayId: replayId,
      error: 'attempt 5 of 5: boom',
      attempts: 5,
      state: 'parked',
    },
    Date.now(),
  )
})

afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('forcebridge subscription', () => {
  it('lists and shows a subscription with its position, lease and dead letters', async () => {
    const list = await runCli('subscription', 'list')
    expect(list.code).toBe(0)
    expect(list.out).toMatch(/accounts\.follow\s+\/data\/AccountChangeEvent\s+crm\s+active\s+3\s+0/)
    const show = await runCli('subscription', 'show', 'accounts.follow')
    expect(show.out).toContain(`position:     ${replayId}`)
    expect(show.out).toContain('node-a:1:x')
    expect(show.out).toContain('dl-1  parked  2 events')
    const json: unknown = JSON.parse(
      (await runCli('subscription', 'show', 'accounts.follow', '--json')).out,
    )
    expect(json).toMatchObject({ eventsHandled: 3, orgId: '00D000000000001AAA' })
    const missing = await runCli('subscription', 'show', 'nope')
    expect(missing.code).not.toBe(0)
    expect(missing.err).toContain('no subscription')
  })

  it('pauses (the holder loses its lease), resumes and resets, each audited', async () => {
    const before = (await store.subscriptions.find('accounts.follow'))!
    expect((await runCli('subscription', 'pause', 'accounts.follow')).out).toContain('paused')
    const paused = (await store.subscriptions.find('accounts.follow'))!
    expect(paused.state).toBe('paused')
    expect(paused.fence).toBeGreaterThan(before.fence)
    // The old holder's fenced write changes nothing.
    expect(
      await store.subscriptions.saveBatch(
        'accounts.follow',
        before.fence,
        { position: 'AAAA', orgId: 'x', events: 1 },
        Date.now(),
      ),
    ).toBe(false)
    expect((await runCli('subscription', 'pause', 'accounts.follow')).out).toContain(
      'paused already',
    )
    expect((await runCli('subscription', 'resume', 'accounts.follow')).code).toBe(0)
    expect((await store.subscriptions.find('accounts.follow'))!.state).toBe('active')
    expect(
      (await runCli('subscription', 'reset', 'accounts.follow', '--to', 'earliest')).code,
    ).toBe(0)
    expect((await store.subscriptions.find('accounts.follow'))!.position).toBe('@earliest')
    const bad = await runCli('subscription', 'reset', 'accounts.follow', '--to', 'not base64!')
    expect(bad.code).not.toBe(0)
    expect((await runCli('subscription', 'reset', 'accounts.follow', '--to', replayId)).code).toBe(
      0,
    )
    expect((await store.subscriptions.find('accounts.follow'))!.position).toBe(replayId)
    const actions = (await store.audit.list({ limit: 20 })).map((e) => e.action)
    expect(actions).toEqual(
      expect.arrayContaining(['subscription.pause', 'subscription.resume', 'subscription.reset']),
    )
  })

  it('queues a parked dead letter for a retry', async () => {
    const retry = await runCli('subscription', 'retry', 'accounts.follow', 'dl-1')
    expect(retry.code).toBe(0)
    expect((await store.deadLetters.find('dl-1'))!.state).toBe('retry')
    const again = await runCli('subscription', 'retry', 'accounts.follow', 'dl-1')
    expect(again.code).not.toBe(0)
    expect(again.err).toContain('no parked dead letter')
  })
})
