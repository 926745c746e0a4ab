// Bodies with keys that could rewrite prototypes are refused with a message naming the key, not
// as "not valid JSON": on a channel, on the admin API and on the emulator's REST API; malformed
// JSON is still called that.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { adminPlugin } from '../../src/admin/index.js'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import {
  createLogger,
  createRuntime,
  defineService,
  type Runtime,
} from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { ForbiddenJsonKeyError, parseJson } from '../../src/util/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-json-'))
let store: Store
let runtime: Runtime
let emu: EmulatorHandle
let base: string

beforeAll(async () => {
  store = await openStore({ home: join(dir, 'home') })
  const log = createLogger({ level: 'silent' })
  runtime = await createRuntime({ store, log, watch: false })
  runtime.registry.register(
    defineService({
      name: 'echo',
      input: z.record(z.string(), z.unknown()),
      handle: ({ input }) => input,
    }),
  )
  await runtime.http.register(adminPlugin, { store, runtime, log })
  await store.channels.add({
    method: 'POST',
    path: '/echo',
    service: 'echo',
    securityDefinitionId: null,
  })
  base = await runtime.listen('127.0.0.1', 0)
  emu = await startEmulator()
})
afterAll(async () => {
  await runtime.close()
  await store.close()
  await emu.close()
  rmSync(dir, { recursive: true, force: true })
})

const FORBIDDEN = [
  ['{"__proto__": {"isAdmin": true}}', '__proto__'],
  ['{"order": {"lines": [{"constructor": {"prototype": {"x": 1}}}]}}', 'constructor.prototype'],
  ['{"\\u005f_proto__": 1}', '__proto__'],
] as const

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })

describe('forbidden JSON keys', () => {
  it('a channel answers 400 naming the key', async () => {
    for (const [body, key] of FORBIDDEN) {
      const res = await post(`${base}/echo`, body)
      expect(res.status).toBe(400)
      const answer = (await res.json()) as { error: string; message: string }
      expect(answer.error).toBe('BAD_REQUEST')
      expect(answer.message).toContain(`"${key}"`)
      expect(answer.message).not.toContain('not valid JSON')
    }
    // A key that merely contains the words is fine, and so is malformed JSON called malformed.
    const fine = await post(`${base}/echo`, '{"constructor": "x", "my__proto__": 1}')
    expect(await fine.json()).toEqual({ constructor: 'x', my__proto__: 1 })
    const broken = (await (await post(`${base}/echo`, '{"a":')).json()) as { message: string }
    expect(broken.message).toMatch(/not valid JSON/)
  })

  it('the admin API answers 400 naming the key', async () => {
    const res = await post(`${base}/admin/api/session`, FORBIDDEN[0][0])
    expect(res.status).toBe(400)
    const answer = (await res.json()) as { error: { message: string } }
    expect(answer.error.message).toContain('"__proto__"')
  })

  it("the emulator's REST API answers JSON_PARSER_ERROR naming the key", async () => {
    const token = (await (
      await fetch(`${emu.url}/services/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          username: 'my.user@example.com',
          password: 'my.passwordDemoSecurityToken01',
          client_id: '3MVG9forcebridge.demo.consumer.key',
          client_secret: 'forcebridge-demo-consumer-secret',
        }),
      })
    ).json()) as { access_token: string }
    const res = await post(
      `${emu.url}/services/data/v62.0/sobjects/Account/`,
      '{"Name": "x", "__proto__": {}}',
      {
        authorization: `Bearer ${token.access_token}`,
      },
    )
    expect(res.status).toBe(400)
    const [error] = (await res.json()) as { errorCode: string; message: string }[]
    expect(error?.errorCode).toBe('JSON_PARSER_ERROR')
    expect(error?.message).toContain('"__proto__"')
  })

  it('parseJson walks arrays and nested objects, and leaves ordinary JSON alone', () => {
    expect(() => parseJson('[1, {"a": [{"__proto__": null}]}]')).toThrow(ForbiddenJsonKeyError)
    expect(parseJson('{"constructor": {"name": "x"}}')).toEqual({ constructor: { name: 'x' } })
    expect(() => parseJson('{')).toThrow(SyntaxError)
  })
})
