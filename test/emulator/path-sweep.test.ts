// Sweeps spellings of every route the emulator registers (doubled slashes, dot segments,
// percent-encodings of each character, %2F, bad and overlong encodings, letter case) with
// GET/POST/PUT/PATCH/DELETE, without and with a session, over raw HTTP: no spelling reaches
// data or the admin API without credentials, none answers 5xx, equivalent spellings answer
// exactly as the plain path does.

import { Agent, request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { defaultOrg } from '../../src/emulator/org/default-org.js'
import { passwordLogin } from './login-helper.js'

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
// A record id with a valid checksum that names no record: writes through it change nothing.
const ABSENT_ID = '001000000000000AAA'
const QUERY = '?q=SELECT+Id,Name+FROM+Account'
// What a body carrying org data looks like (records, describes, limits, search results).
const DATA_MARKERS =
  /"attributes"|"records"|"totalSize"|"sobjects"|"DailyApiRequests"|"searchRecords"|"Id"\s*:|"fields"\s*:\s*\[\s*\{/

// The routes open without an API session (each checks what it needs itself, or nothing).
const OPEN = new Set([
  'POST /services/oauth2/token',
  'GET /services/oauth2/authorize',
  'POST /services/oauth2/authorize',
  'GET /services/oauth2/revoke',
  'POST /services/oauth2/revoke',
  'POST /services/oauth2/introspect',
  'GET /services/oauth2/userinfo',
  // SOAP: login takes credentials in the body; other calls check the SessionHeader.
  'POST /services/Soap/u/:version',
  'POST /services/Soap/u/:version/:org',
  'GET /id/:org/:user',
  'GET /services/data',
  'GET /',
  'GET /login',
  'POST /login',
  // Setup pages: behind the Setup login cookie (they redirect to /login without it).
  'POST /secur/logout.jsp',
  'GET /lightning/setup/SetupOneHome/home',
  'GET /lightning/setup/NavigationMenus/home',
  'GET /app/mgmt/forceconnectedapps/forceAppEdit.apexp',
  'POST /app/mgmt/forceconnectedapps/forceAppEdit.apexp',
  'GET /app/mgmt/forceconnectedapps/forceAppDetail.apexp',
  'GET /app/mgmt/forceconnectedapps/consumerDetails',
  'GET /lightning/setup/OauthOidcSettings/home',
  'POST /lightning/setup/OauthOidcSettings/home',
])

let emu: EmulatorHandle
let token: string
let accountId: string
const agent = new Agent({ keepAlive: true, maxSockets: 12 })

beforeAll(async () => {
  const org = {
    ...defaultOrg,
    settings: { ...defaultOrg.settings, dailyApiRequests: 10_000_000 },
  }
  // The admin API asks for its token here too, so the sweep can prove nothing opens it.
  emu = await startEmulator({ org, requireAdminToken: true })
  const login = await passwordLogin(emu.url)
  token = login.access_token
  accountId = emu.org.create(
    'Account',
    { Name: 'Sweep Co' },
    { userId: login.id.split('/').pop()! },
  ).id
})
afterAll(async () => {
  agent.destroy()
  await emu.close()
})

interface Answer {
  status: number
  body: string
}

/** SOAP faults travel as HTTP 500, as Salesforce sends them: a refusal, not a server error. */
const serverError = (a: Answer) => a.status >= 500 && !a.body.includes('<soapenv:Fault>')

function send(method: string, path: string, session: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (session) {
      headers.authorization = `Bearer ${token}`
      // Bulk API 1.0 (`/services/async/`) takes the session in its own header.
      headers['x-sfdc-session'] = token
    }
    const req = request(
      { host: '127.0.0.1', port: emu.port, method, path, headers, agent },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** The route's pattern with a plausible value in each parameter. */
function concrete(pattern: string, method: string): string {
  return pattern.replace(/:(\w+)/g, (_m, name: string) => {
    switch (name) {
      case 'version':
        return 'v66.0'
      case 'type':
        return 'Account'
      case 'id':
        return method === 'GET' ? accountId : ABSENT_ID
      case 'org':
        return emu.orgId
      case 'field':
        return 'Name'
      default:
        return 'x1'
    }
  })
}

const encode = (ch: string) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`

/** Where the sweep alters a path: each slash, or (sampled) the last one and the first. */
function slashes(path: string, every: boolean): number[] {
  const all = [...path].flatMap((c, i) => (c === '/' ? [i] : []))
  return every ? all : [...new Set([all[0]!, all[all.length - 1]!])]
}

/**
 * Spellings that name the same resource as `path`. `every`: alter each slash and encode each
 * character; otherwise the first and last slash, and the first character of each segment.
 */
function equivalents(path: string, every: boolean): string[] {
  const out = [`/${path}`, `//${path}`, `${path}/`, `${path}/.`, `${path}/zz/..`]
  for (const i of slashes(path, every)) {
    const [head, tail] = [path.slice(0, i), path.slice(i)]
    out.push(`${head}/${tail}`, `${head}/.${tail}`, `${head}/zz/..${tail}`)
    out.push(`${head}/%2e${tail}`, `${head}/zz/%2E%2e${tail}`)
  }
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '/' || (!every && path[i - 1] !== '/')) continue
    out.push(path.slice(0, i) + encode(path[i]!) + path.slice(i + 1))
  }
  // Lower-case hex is the same escape.
  out.push(path.replace(/[a-z]/, (c) => encode(c).toLowerCase()))
  return out
}

/** Spellings the emulator must refuse with 404 NOT_FOUND: they are ambiguous or malformed. */
function refusals(path: string): string[] {
  const out = [
    `/..${path}`,
    `${path}%25`,
    `${path}%`,
    `${path}%G1`,
    `${path}%C0%AE`,
    `${path}%E0%80%AF`,
    `${path}%00`,
  ]
  for (const i of slashes(path, false)) {
    if (i > 0) out.push(`${path.slice(0, i)}%2F${path.slice(i + 1)}`)
    if (i > 0) out.push(`${path.slice(0, i)}%2f${path.slice(i + 1)}`)
  }
  return out
}

/** Spellings with other letter case: another path, so never data without a session. */
function caseVariants(path: string): string[] {
  const parts = path.split('/')
  const out = new Set<string>([path.toUpperCase()])
  for (const i of [1, parts.length - 1]) {
    const copy = [...parts]
    copy[i] = copy[i]!.replace(/[a-z]/, (c) => c.toUpperCase())
    out.add(copy.join('/'))
  }
  out.delete(path)
  return [...out]
}

interface Probe {
  method: string
  path: string
  kind: 'equivalent' | 'refused' | 'case'
  base: string
  session: boolean
}

async function runAll<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>) {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++
        results[i] = await fn(items[i]!)
      }
    }),
  )
  return results
}

describe('path sweep over every route', () => {
  it('lists the routes it sweeps', () => {
    const patterns = new Set(emu.routes().map((r) => r.url))
    expect(patterns.has('/services/data/:version/query')).toBe(true)
    expect(patterns.has('/__emulator/faults')).toBe(true)
    expect(patterns.size).toBeGreaterThan(40)
  })

  it('reaches no data and no admin call without credentials, answers no 5xx, and serves equivalent spellings alike', async () => {
    const patterns = [...new Set(emu.routes().map((r) => r.url))]
    const registered = new Set(emu.routes().map((r) => `${r.method} ${r.url}`))
    const accountsBefore = JSON.stringify([...emu.org.rows('Account')])
    const probes: Probe[] = []
    const baselines = new Map<string, Answer>()
    const key = (method: string, base: string, session: boolean) =>
      `${session ? 'S' : '-'} ${method} ${base}`
    const basePaths: { method: string; base: string }[] = []
    const add = (
      method: string,
      base: string,
      session: boolean,
      kind: Probe['kind'],
      paths: string[],
    ) => {
      for (const path of paths) probes.push({ method, path, kind, base, session })
    }
    for (const pattern of patterns) {
      for (const method of METHODS) {
        const base = concrete(pattern, method)
        basePaths.push({ method, base })
        if (registered.has(`${method} ${pattern}`)) {
          // The route itself: every slash and every character without a session, a sample
          // with one; refusals and case both ways.
          add(method, base, false, 'equivalent', equivalents(base, true))
          add(method, base, true, 'equivalent', equivalents(base, false))
          for (const session of [false, true]) {
            add(method, base, session, 'refused', refusals(base))
            add(method, base, session, 'case', caseVariants(base))
          }
        } else {
          // A method the route does not serve: a few spellings, to see them agree.
          for (const session of [false, true]) {
            add(method, base, session, 'equivalent', [
              `/${base}`,
              `${base}/.`,
              `/${base.slice(1).replace('/', '/%2e/')}`,
            ])
            add(method, base, session, 'refused', [`${base}%C0%AE`])
            add(method, base, session, 'case', [base.toUpperCase()])
          }
        }
      }
    }
    const baseAnswers = await runAll(
      basePaths.flatMap((b) => [false, true].map((session) => ({ ...b, session }))),
      12,
      async (b) => {
        baselines.set(
          key(b.method, b.base, b.session),
          await send(b.method, b.base + QUERY, b.session),
        )
      },
    )
    expect(baseAnswers).toHaveLength(basePaths.length * 2)

    const failures: Record<'leak' | 'serverError' | 'mismatch' | 'refusal', string[]> = {
      leak: [],
      serverError: [],
      mismatch: [],
      refusal: [],
    }
    const answers = await runAll(probes, 12, (p) => send(p.method, p.path + QUERY, p.session))
    probes.forEach((p, i) => {
      const a = answers[i]!
      const base = baselines.get(key(p.method, p.base, p.session))!
      const where = `${p.session ? 'with' : 'without'} session ${p.method} ${p.path}`
      if (serverError(a)) failures.serverError.push(`${where}: ${a.status} ${a.body.slice(0, 120)}`)
      if (!p.session && DATA_MARKERS.test(a.body))
        failures.leak.push(`${where}: data without a session: ${a.body.slice(0, 120)}`)
      if (p.kind === 'equivalent' && a.status !== base.status)
        failures.mismatch.push(`${where}: ${a.status}, but the plain path answers ${base.status}`)
      if (p.kind === 'refused' && (a.status !== 404 || !a.body.includes('"NOT_FOUND"')))
        failures.refusal.push(
          `${where}: ${a.status} ${a.body.slice(0, 120)}, expected 404 NOT_FOUND`,
        )
      if (p.kind === 'case' && !p.session && ![400, 401, 403, 404, 405].includes(a.status))
        failures.leak.push(`${where}: ${a.status} without a session`)
    })
    // The plain paths: every route but the open ones answers 401 without a session (Bulk
    // API 1.0: 400 InvalidSessionId, as Salesforce), the admin API 403 without its token.
    for (const { method, url } of emu.routes()) {
      if (method === 'HEAD') continue
      const a = baselines.get(key(method, concrete(url, method), false))!
      const where = `without session ${method} ${url}`
      if (serverError(a)) failures.serverError.push(`${where}: ${a.status}`)
      if (DATA_MARKERS.test(a.body)) failures.leak.push(`${where}: data without a session`)
      const expected = url.startsWith('/__emulator/')
        ? 403
        : OPEN.has(`${method} ${url}`)
          ? 0
          : url.startsWith('/services/async/')
            ? 400
            : 401
      if (expected !== 0 && a.status !== expected)
        failures.leak.push(`${where}: ${a.status}, expected ${expected}`)
    }
    console.log(
      `path sweep: ${probes.length + baselines.size} requests over ${patterns.length} routes`,
    )
    for (const list of Object.values(failures)) expect(list.slice(0, 20)).toEqual([])
    // The writes went through a record that does not exist or bodies that are refused.
    expect(JSON.stringify([...emu.org.rows('Account')])).toBe(accountsBefore)
  }, 300_000)

  it('serves doubled slashes with a session, as Salesforce does', async () => {
    const res = await send('GET', `//services//data/v66.0//query/${QUERY}`, true)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({
      done: true,
      records: expect.any(Array) as unknown[],
    })
  })
})
