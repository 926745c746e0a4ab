// Absolute URLs the server hands out come from FORCEBRIDGE_PUBLIC_URL, or X-Forwarded-* from a
// trusted proxy, or the listening address: never from the caller's Host header. A real runtime
// with its admin, asked over raw HTTP with a forged Host on every kind of route.
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { adminPlugin } from '../../src/admin/index.js'
import {
  createLogger,
  createRuntime,
  defineService,
  loadConfig,
  type Runtime,
} from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-public-url-'))
const opened: { runtime: Runtime; store: Store }[] = []
afterAll(async () => {
  for (const { runtime, store } of opened) {
    await runtime.close()
    await store.close()
  }
  rmSync(dir, { recursive: true, force: true })
})

const echo = defineService({
  name: 'echo',
  input: z.object({ n: z.number() }),
  handle: ({ input }) => input,
})

async function server(options: { publicUrl?: string; trustedProxies?: string[] } = {}) {
  const store = await openStore({ home: join(dir, `home-${opened.length}`) })
  const runtime = await createRuntime({
    store,
    log: createLogger({ level: 'silent' }),
    watch: false,
    async: { concurrency: 1, pollMs: 20, scheduler: false },
    ...options,
  })
  opened.push({ runtime, store })
  runtime.registry.register(echo)
  await runtime.http.register(adminPlugin, {
    store,
    runtime,
    log: createLogger({ level: 'silent' }),
  })
  await store.channels.add({
    method: 'POST',
    path: '/echo',
    service: 'echo',
    securityDefinitionId: null,
  })
  return { url: await runtime.listen('127.0.0.1', 0) }
}

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One request over node:http, which sends the Host header we give (fetch would not). */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
      )
    })
    req.on('error', reject)
    req.end(body)
  })
}

interface Accepted {
  statusUrl: string
}
interface Doc {
  servers: { url: string }[]
}
const json = <T>(a: Answer): T => JSON.parse(a.body) as T

const asyncCall = (base: string, headers: Record<string, string>) =>
  send(
    base,
    'POST',
    '/echo',
    { 'content-type': 'application/json', prefer: 'respond-async', ...headers },
    '{"n":1}',
  )

describe('absolute URLs', () => {
  it('never carry a forged Host header, on any route', async () => {
    const { url } = await server()
    const evil = { host: 'evil.example', 'x-forwarded-host': 'evil.example' }
    const answers = await Promise.all([
      asyncCall(url, evil),
      send(url, 'GET', '/openapi.json', evil),
      send(url, 'GET', '/healthz', evil),
      send(url, 'GET', '/readyz', evil),
      send(url, 'GET', '/nowhere', evil),
      send(url, 'GET', '/jobs/nope?token=x', evil),
      send(url, 'GET', '/admin', evil),
      send(url, 'GET', '/admin/connections', evil),
      send(url, 'GET', '/admin/sign-in', evil),
      send(
        url,
        'POST',
        '/admin/api/session',
        { ...evil, 'content-type': 'application/json' },
        '{}',
      ),
      send(url, 'GET', '/admin/api/channels', evil),
    ])
    for (const a of answers) {
      expect(JSON.stringify(a.headers)).not.toContain('evil.example')
      expect(a.body).not.toContain('evil.example')
    }
    const accepted = answers[0]
    expect(accepted.status).toBe(202)
    const { statusUrl } = json<Accepted>(accepted)
    // The listening address, which answers the status URL.
    expect(statusUrl.startsWith(`${url}/jobs/`)).toBe(true)
    expect(accepted.headers.location).toBe(statusUrl)
    expect((await fetch(statusUrl)).status).toBe(200)
    const doc = json<Doc>(answers[1])
    expect(doc.servers).toEqual([{ url }])
  })

  it('start with FORCEBRIDGE_PUBLIC_URL when it is set', async () => {
    const { url } = await server({ publicUrl: 'https://api.example.com/fb' })
    const accepted = await asyncCall(url, { host: 'evil.example' })
    const { statusUrl } = json<Accepted>(accepted)
    expect(statusUrl).toMatch(/^https:\/\/api\.example\.com\/fb\/jobs\/[^?]+\?token=/)
    expect(accepted.headers.location).toBe(statusUrl)
    const doc = json<Doc>(await send(url, 'GET', '/openapi.json', { host: 'evil.example' }))
    expect(doc.servers).toEqual([{ url: 'https://api.example.com/fb' }])
  })

  it('follow X-Forwarded-Proto and -Host only from a trusted proxy', async () => {
    const forwarded = {
      host: 'internal:8400',
      'x-forwarded-host': 'public.example',
      'x-forwarded-proto': 'https',
    }
    const trusted = await server({ trustedProxies: ['127.0.0.0/8'] })
    const viaProxy = json<Accepted>(await asyncCall(trusted.url, forwarded))
    expect(viaProxy.statusUrl).toMatch(/^https:\/\/public\.example\/jobs\//)
    const docViaProxy = json<Doc>(await send(trusted.url, 'GET', '/openapi.json', forwarded))
    expect(docViaProxy.servers).toEqual([{ url: 'https://public.example' }])

    const untrusted = await server({ trustedProxies: ['10.0.0.0/8', 'fd00::/8'] })
    const direct = await asyncCall(untrusted.url, forwarded)
    const { statusUrl } = json<Accepted>(direct)
    expect(statusUrl.startsWith(`${untrusted.url}/jobs/`)).toBe(true)
    expect(JSON.stringify(direct)).not.toContain('public.example')
  })

  it('reads the settings, refusing a bad URL or proxy entry', () => {
    const config = loadConfig({
      FORCEBRIDGE_PUBLIC_URL: 'https://api.example.com/',
      FORCEBRIDGE_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8',
    })
    expect(config.publicUrl).toBe('https://api.example.com')
    expect(config.trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8'])
    expect(loadConfig({}).publicUrl).toBeUndefined()
    expect(loadConfig({}).trustedProxies).toEqual([])
    expect(() => loadConfig({ FORCEBRIDGE_PUBLIC_URL: 'api.example.com' })).toThrow(
      /FORCEBRIDGE_PUBLIC_URL public URL api\.example\.com: not a URL/,
    )
    expect(() => loadConfig({ FORCEBRIDGE_PUBLIC_URL: 'https://x.example/?a=1' })).toThrow(
      /without query/,
    )
    expect(() => loadConfig({ FORCEBRIDGE_TRUSTED_PROXIES: '10.0.0.0/40' })).toThrow(
      /FORCEBRIDGE_TRUSTED_PROXIES trusted proxy 10\.0\.0\.0\/40/,
    )
  })
})
