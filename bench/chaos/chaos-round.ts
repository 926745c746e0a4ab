// One chaos round: synchronous and asynchronous (Prefer: respond-async) invoice upserts by
// external id through a channel of `forcebridge start` (a child process on a SQLite home),
// while the emulator injects 503s, UNABLE_TO_LOCK_ROW, connection resets, HTML maintenance pages
// and session expiry, and the runtime is SIGKILLed and restarted mid-run. Then every accepted
// job is awaited, and the org is counted: a job accepted with 202 whose record is missing is
// lost; two records for one external id, or a job that ended dead after its record was written,
// is a duplicate.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulatorChild, type EmulatorChild } from '../suite/emulator-child.js'
import { freePort, seedHome, startRuntimeChild, type RuntimeChild } from '../suite/runtime-child.js'
import { SeededRandom } from '../suite/seeded-random.js'
import { checkChaosOutcome } from './chaos-check.js'

export interface ChaosOptions {
  seed: number
  /** Calls to send, half of them asynchronous. Default 300. */
  calls?: number
  /** SIGKILLs of the runtime, spread over the run. Default 2. */
  kills?: number
  /** Calls in flight at once. Default 6. */
  concurrency?: number
  /** How long to wait for accepted jobs to end. Default 60 s. */
  settleMs?: number
  log?: (line: string) => void
  /**
   * Runs after every accepted job ended and before the org is counted: tests plant a loss or a
   * duplicate here (emulator.plant) to prove the check catches them.
   */
  beforeCheck?: (round: { emulator: EmulatorChild; accepted: readonly string[] }) => Promise<void>
}

export interface ChaosReport {
  calls: number
  sync: { ok: number; failed: number }
  async: { accepted: number; refused: number; succeeded: number; dead: number; unsettled: number }
  /** Jobs that took more than one attempt (a fault or a kill): harmless, an upsert writes once. */
  jobsRetried: number
  /** Failed calls by kind: an HTTP status and error code, or a network error. */
  failuresByKind: Record<string, number>
  /** Faults the emulator injected, as its stats count them (if it does), and logins. */
  logins: number
  kills: number
  lost: string[]
  duplicates: string[]
  emulatorRequests: number
}

/** The fault mix of the run (docs/emulator.md, "Admin API and fault injection"). */
export const CHAOS_FAULTS = {
  errorRates: {
    connectionReset: 0.03,
    serverUnavailable: 0.05,
    unableToLockRow: 0.05,
    maintenanceHtml: 0.03,
  },
  expireSessionsEvery: 40,
}

interface Accepted {
  number: string
  statusPath: string
}

async function setFaults(emulatorUrl: string, body: object | undefined): Promise<void> {
  const res = await fetch(`${emulatorUrl}/__emulator/faults`, {
    method: body ? 'POST' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  })
  if (!res.ok) throw new Error(`setting faults failed: ${res.status} ${await res.text()}`)
}

async function errorKind(res: Response): Promise<string> {
  const text = await res.text()
  const m = /"(?:code|errorCode)"\s*:\s*"([A-Z_]+)"/.exec(text)
  return `${res.status}${m ? ` ${m[1]}` : ''}`
}

export async function runChaosRound(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined)
  const calls = options.calls ?? 300
  const kills = options.kills ?? 2
  const report: ChaosReport = {
    calls: 0,
    sync: { ok: 0, failed: 0 },
    async: { accepted: 0, refused: 0, succeeded: 0, dead: 0, unsettled: 0 },
    jobsRetried: 0,
    failuresByKind: {},
    logins: 0,
    kills: 0,
    lost: [],
    duplicates: [],
    emulatorRequests: 0,
  }
  const fail = (kind: string) =>
    (report.failuresByKind[kind] = (report.failuresByKind[kind] ?? 0) + 1)
  const home = mkdtempSync(join(tmpdir(), 'fb-chaos-'))
  let emulator: EmulatorChild | undefined
  let runtime: RuntimeChild | undefined
  try {
    emulator = await startEmulatorChild(options.seed)
    const creds = await seedHome(home, emulator.url)
    const port = await freePort()
    const env = { FORCEBRIDGE_WORKER_CONCURRENCY: '4', FORCEBRIDGE_JOB_LEASE_MS: '1500' }
    runtime = await startRuntimeChild(home, port, env)
    const url = runtime.url
    await setFaults(emulator.url, CHAOS_FAULTS)

    const accepted: Accepted[] = []
    const killAt = new Set(
      Array.from({ length: kills }, (_, k) => Math.floor(((k + 1) * calls) / (kills + 1))),
    )
    let restarting: Promise<void> | undefined
    const killAndRestart = async () => {
      await runtime?.kill()
      report.kills++
      log(`SIGKILL after ${report.calls} calls; restarting`)
      runtime = await startRuntimeChild(home, port, env)
    }
    const random = new SeededRandom(options.seed)
    const plan = Array.from({ length: calls }, (_, i) => ({
      number: `CH-${options.seed}-${i}`,
      async: random.chance(0.5),
      amount: random.int(10_000),
    }))
    let next = 0
    const worker = async () => {
      for (;;) {
        const i = next++
        if (i >= calls) return
        if (killAt.has(i)) restarting = killAndRestart()
        if (restarting && !killAt.has(i)) await restarting
        const call = plan[i]!
        report.calls++
        let res: Response
        try {
          res = await fetch(`${url}/api/key/invoices`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-api-key': creds.apiKey,
              ...(call.async ? { prefer: 'respond-async' } : {}),
            },
            body: JSON.stringify({ number: call.number, amount: call.amount }),
          })
        } catch (err) {
          const code = (err as { cause?: { code?: string } }).cause?.code ?? 'network'
          fail(`${call.async ? 'async' : 'sync'} ${code}`)
          if (call.async) report.async.refused++
          else report.sync.failed++
          continue
        }
        if (call.async) {
          if (res.status === 202) {
            const body = (await res.json()) as { statusUrl: string }
            const status = new URL(body.statusUrl)
            accepted.push({ number: call.number, statusPath: status.pathname + status.search })
            report.async.accepted++
          } else {
            report.async.refused++
            fail(`async ${await errorKind(res)}`)
          }
        } else if (res.ok) {
          await res.arrayBuffer()
          report.sync.ok++
        } else {
          report.sync.failed++
          fail(`sync ${await errorKind(res)}`)
        }
      }
    }
    await Promise.all(Array.from({ length: options.concurrency ?? 6 }, worker))
    if (restarting) await restarting

    // Every accepted job to an end (faults still on: the queue's retries must carry them).
    const states = new Map<string, string>()
    const attempts = new Map<string, number>()
    const until = Date.now() + (options.settleMs ?? 60_000)
    for (;;) {
      const open = accepted.filter(
        (a) => !['succeeded', 'dead'].includes(states.get(a.number) ?? ''),
      )
      if (open.length === 0 || Date.now() > until) break
      for (const a of open) {
        const res = await fetch(`${url}${a.statusPath}`).catch(() => undefined)
        if (!res?.ok) continue
        const job = (await res.json()) as { state: string; attempts: number }
        states.set(a.number, job.state)
        attempts.set(a.number, job.attempts)
      }
      await new Promise((r) => setTimeout(r, 250))
    }
    await setFaults(emulator.url, undefined)

    await options.beforeCheck?.({ emulator, accepted: accepted.map((a) => a.number) })
    const counts = await emulator.countBy('Invoice__c', 'Number__c')
    const outcome = checkChaosOutcome(
      { accepted: accepted.map((a) => a.number), states, attempts },
      counts,
    )
    report.async.succeeded = outcome.succeeded
    report.async.dead = outcome.dead
    report.async.unsettled = outcome.unsettled
    report.jobsRetried = outcome.jobsRetried
    report.lost = outcome.lost
    report.duplicates = outcome.duplicates
    const stats = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as {
      logins: Record<string, number>
      requests: number
    }
    report.logins = Object.values(stats.logins).reduce((a, b) => a + b, 0)
    report.emulatorRequests = stats.requests
    return report
  } finally {
    await runtime?.stop()
    await emulator?.stop()
    rmSync(home, { recursive: true, force: true })
  }
}
