// ctx.settings on the channel path: a service whose required settings are missing answers 503
// naming them, before handle runs; once an operator sets them (here through another
// ServiceSettings, as the admin API does) the next call sees them, with no restart.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  createLogger,
  createRuntime,
  defineService,
  ServiceSettings,
  type Runtime,
} from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { testDatabase } from '../fixtures/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-service-settings-'))
let store: Store
let runtime: Runtime
let base: string
let handled = 0

const greet = defineService({
  name: 'greet',
  settings: z.object({
    greeting: z.string().min(1),
    punctuation: z.string().default('!'),
  }),
  input: z.object({ name: z.string() }),
  handle: ({ input, settings }) => {
    handled++
    return { text: `${settings.greeting} ${input.name}${settings.punctuation}` }
  },
})

beforeAll(async () => {
  store = await openStore({ home: join(dir, 'home'), ...(await testDatabase(join(dir, 'home'))) })
  runtime = await createRuntime({
    store,
    log: createLogger({ level: 'silent' }),
    watch: false,
    async: { concurrency: 0, scheduler: false },
  })
  runtime.registry.register(greet)
  await store.channels.add({
    method: 'POST',
    path: '/greet',
    service: 'greet',
    securityDefinitionId: null,
  })
  base = await runtime.listen('127.0.0.1', 0)
})

afterAll(async () => {
  await runtime?.close()
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function call(): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/greet`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ada' }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('service settings on a channel', () => {
  it('answers 503 naming the missing setting, without running the service', async () => {
    const { status, body } = await call()
    expect(status).toBe(503)
    expect(body.error).toBe('SERVICE_SETTINGS_INVALID')
    expect(body.message).toMatch(/greeting/)
    expect(handled).toBe(0)
  })

  it('sees settings set elsewhere at the next call, defaults applied', async () => {
    const admin = new ServiceSettings(store.settings, () => store.revision())
    await admin.update('greet', { set: { greeting: 'Καλημέρα' } }, greet)
    expect(await call()).toEqual({ status: 200, body: { text: 'Καλημέρα Ada!' } })
    await admin.update('greet', { set: { greeting: '안녕하세요', punctuation: '.' } }, greet)
    expect(await call()).toEqual({ status: 200, body: { text: '안녕하세요 Ada.' } })
  })
})
