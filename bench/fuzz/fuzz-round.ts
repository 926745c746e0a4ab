// One fuzz round: the emulator and `forcebridge start` as child processes, then `count`
// requests (or `seconds` of them), each drawn from its own seeded generator (request i is the
// same in every run with the seed, whatever the timing), sent by a few workers at once. Reports
// every unexpected 5xx with a reproducer, crashes (a child's exit; the runtime is restarted),
// hangs (no answer within `timeoutMs`) and the children's RSS before and after.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Client } from '@grpc/grpc-js'
import { startEmulatorChild, type EmulatorChild } from '../suite/emulator-child.js'
import {
  ADMIN,
  freePort,
  seedHome,
  startRuntimeChild,
  type RuntimeChild,
} from '../suite/runtime-child.js'
import { SeededRandom } from '../suite/seeded-random.js'
import { documentedException } from './fuzz-exceptions.js'
import { fuzzRequest, type FuzzCredentials } from './fuzz-mutations.js'
import { ROUTES } from './fuzz-routes.js'
import { grpcClient, grpcFuzzCall, grpcServerError, type GrpcContext } from './grpc-fuzz.js'
import { reproducer, sendRaw } from './raw-request.js'

export type FuzzTarget = 'all' | 'runtime' | 'emulator' | 'grpc'

export interface FuzzOptions {
  seed: number
  /** Requests to send (default 2,000), unless `seconds` is given. */
  count?: number
  seconds?: number
  target?: FuzzTarget
  /** An answer slower than this is a hang. Default 15,000 ms. */
  timeoutMs?: number
  /** Requests in flight at once. Default 8. */
  concurrency?: number
  log?: (line: string) => void
}

export interface FuzzReport {
  sent: number
  byTarget: Record<string, number>
  byStatus: Record<string, number>
  /** Documented 5xx answers, by the exception's name. */
  documented: Record<string, number>
  serverErrors: string[]
  crashes: string[]
  hangs: string[]
  memoryKiB: Record<'runtime' | 'emulator', { before: number; after: number }>
}

async function emulatorSession(url: string): Promise<string> {
  const res = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: '3MVG9forcebridge.demo.consumer.key',
      client_secret: 'forcebridge-demo-consumer-secret',
      username: 'my.user@example.com',
      password: 'my.passwordDemoSecurityToken01',
    }),
  })
  if (!res.ok) throw new Error(`emulator login failed: ${res.status}`)
  return ((await res.json()) as { access_token: string }).access_token
}

/** Signs in as the admin user, which `start` makes just after it begins to listen. */
async function adminSignIn(url: string): Promise<{ cookie: string; csrf: string }> {
  let res: Response
  for (let tries = 0; ; tries++) {
    res = await fetch(`${url}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    })
    if (res.ok || tries >= 3) break
    await new Promise((r) => setTimeout(r, 500))
  }
  if (!res.ok) throw new Error(`admin sign-in failed: ${res.status}`)
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken }
}

const requestSeed = (seed: number, i: number) =>
  (Math.imul(seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0

export async function runFuzzRound(options: FuzzOptions): Promise<FuzzReport> {
  const target = options.target ?? 'all'
  const timeoutMs = options.timeoutMs ?? 15_000
  const log = options.log ?? (() => undefined)
  const report: FuzzReport = {
    sent: 0,
    byTarget: {},
    byStatus: {},
    documented: {},
    serverErrors: [],
    crashes: [],
    hangs: [],
    memoryKiB: { runtime: { before: 0, after: 0 }, emulator: { before: 0, after: 0 } },
  }
  const home = mkdtempSync(join(tmpdir(), 'fb-fuzz-'))
  let emulator: EmulatorChild | undefined
  let runtime: RuntimeChild | undefined
  let grpc: Client | undefined
  let stopping = false
  try {
    emulator = await startEmulatorChild(options.seed)
    const creds = await seedHome(home, emulator.url)
    const port = await freePort()
    runtime = await startRuntimeChild(home, port)
    const signIn = await adminSignIn(runtime.url)
    const session = await emulatorSession(emulator.url)
    const credentials: FuzzCredentials = {
      ...creds,
      adminCookie: signIn.cookie,
      csrf: signIn.csrf,
      session,
    }
    // Credentials by the placeholder a reproducer shows instead (Basic and JWT carry their scheme).
    const secrets = {
      apiKey: creds.apiKey,
      basic: creds.basic.replace(/^Basic /, ''),
      jwt: creds.jwt.replace(/^Bearer /, ''),
      adminCookie: signIn.cookie,
      csrf: signIn.csrf,
      session,
    }
    const grpcCtx: GrpcContext = {
      endpoint: emulator.pubsubEndpoint,
      url: emulator.url,
      orgId: emulator.orgId,
      session,
    }
    grpc = grpcClient(emulator.pubsubEndpoint)
    const ports = { runtime: port, emulator: Number(new URL(emulator.url).port) }
    const routes = ROUTES.filter((r) => target === 'all' || r.target === target)
    const grpcShare = target === 'grpc' ? 1 : target === 'all' ? 0.06 : 0

    let restarting: Promise<void> | undefined
    const watch = (child: RuntimeChild) =>
      child.child.once('exit', (code, signal) => {
        if (stopping) return
        report.crashes.push(
          `runtime exited (code ${code}, signal ${signal}) after ${report.sent} requests`,
        )
        log(`CRASH runtime exited (code ${code}, signal ${signal})`)
        restarting = startRuntimeChild(home, port).then((c) => {
          runtime = c
          watch(c)
          restarting = undefined
        })
      })
    watch(runtime)
    const emu = emulator
    emu.child.once('exit', (code, signal) => {
      if (!stopping)
        report.crashes.push(
          `emulator exited (code ${code}, signal ${signal}) after ${report.sent} requests`,
        )
    })

    report.memoryKiB.runtime.before = runtime.rssKiB() ?? 0
    report.memoryKiB.emulator.before = emu.rssKiB() ?? 0

    const count = options.seconds ? Number.MAX_SAFE_INTEGER : (options.count ?? 2000)
    const until = options.seconds ? Date.now() + options.seconds * 1000 : Number.MAX_SAFE_INTEGER
    let next = 0
    const worker = async () => {
      for (;;) {
        const i = next++
        if (i >= count || Date.now() > until || emu.child.exitCode !== null) return
        if (restarting) await restarting
        const r = new SeededRandom(requestSeed(options.seed, i))
        report.sent++
        if (grpc && r.chance(grpcShare)) {
          report.byTarget.grpc = (report.byTarget.grpc ?? 0) + 1
          const a = await grpcFuzzCall(grpc, r, grpcCtx, timeoutMs)
          const key = `grpc:${a.code}`
          report.byStatus[key] = (report.byStatus[key] ?? 0) + 1
          if (a.hung) report.hangs.push(`grpc #${i} (seed ${options.seed}) did not end`)
          else if (grpcServerError(a.code)) {
            const known = documentedException('grpc', '', a.code, a.details)
            if (known) {
              report.documented[known.name] = (report.documented[known.name] ?? 0) + 1
              continue
            }
            report.serverErrors.push(
              `grpc #${i} (seed ${options.seed}) code ${a.code}: ${a.details}`,
            )
            log(`5xx grpc #${i} code ${a.code} ${a.details}`)
          }
          continue
        }
        const route = r.pick(routes)
        const req = fuzzRequest(r, route, credentials, `127.0.0.1:${ports[route.target]}`)
        report.byTarget[route.target] = (report.byTarget[route.target] ?? 0) + 1
        const a = await sendRaw(ports[route.target], req, timeoutMs)
        report.byStatus[a.status] = (report.byStatus[a.status] ?? 0) + 1
        if (a.hung) {
          report.hangs.push(reproducer(route.target, req, secrets))
          log(`HANG ${reproducer(route.target, req, secrets)}`)
        } else if (a.status >= 500) {
          const known = documentedException(route.target, req.path, a.status, a.head)
          if (known) report.documented[known.name] = (report.documented[known.name] ?? 0) + 1
          else {
            const line = `${a.status} ${reproducer(route.target, req, secrets)}`
            report.serverErrors.push(line)
            log(`5xx ${line} -> ${a.head.split('\r\n\r\n')[1]?.slice(0, 300) ?? ''}`)
          }
        }
      }
    }
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker))
    if (restarting) await restarting
    // Let the collector catch up before the second reading, so garbage does not count as growth.
    await new Promise((r) => setTimeout(r, 500))
    report.memoryKiB.runtime.after = runtime.rssKiB() ?? 0
    report.memoryKiB.emulator.after = emu.rssKiB() ?? 0
    return report
  } finally {
    stopping = true
    grpc?.close()
    await runtime?.stop()
    await emulator?.stop()
    rmSync(home, { recursive: true, force: true })
  }
}
