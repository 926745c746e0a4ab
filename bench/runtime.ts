// Benchmark of the runtime's overhead (issue 5): the seed's campaign service called through its
// REST channel (API key security), and side by side the same create through the client directly,
// both against the emulator (run in a child process so that its work does not share this event
// loop). Two settings, in one run:
//   loopback   the emulator answers at once: both paths are CPU-bound on this machine, and the
//              ratio says what the extra HTTP hop and the runtime cost in CPU (an upper bound on
//              overhead: no real org answers a create in 0.1 ms).
//   round trip each emulator call answers BENCH_LATENCY_MS later (default 20, as in bench:bulk):
//              a stand-in for the network to Salesforce (tens to hundreds of ms from most
//              servers), so the ratio says what a caller sees in practice.
// Last line: overhead_ratio=<channel req/s ÷ direct req/s> with the round trip.
// Run: npm run bench:runtime

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Pool } from 'undici'
import { createLogger, createRuntime } from '../src/runtime/index.js'
import { createClient } from '../src/salesforce/index.js'
import { openStore } from '../src/store/index.js'
import { startEmulatorProcess } from './emulator-process.js'

const ROOT = resolve(import.meta.dirname, '..')
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20)
const CREDS = {
  username: 'my.user@example.com',
  password: 'my.password',
  securityToken: 'DemoSecurityToken01',
  clientId: '3MVG9forcebridge.demo.consumer.key',
  clientSecret: 'forcebridge-demo-consumer-secret',
}

interface Rate {
  /** Requests per second. */
  perSecond: number
  /** CPU per request in this process (runtime, load generator, client), µs. */
  cpuUs: number
  /** CPU per request in the emulator's process, µs (NaN where /proc is missing). */
  emulatorCpuUs: number
}

/** CPU time (user + system) of process `pid` in µs, from /proc; NaN where there is none. */
function processCpuUs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100)
  } catch {
    return Number.NaN
  }
}

/** Runs `call` with `concurrency` callers for `seconds`; returns its rate and CPU cost. */
async function measure(call: (i: number) => Promise<unknown>): Promise<Rate> {
  const until = performance.now() + SECONDS * 1000
  const cpu0 = process.cpuUsage()
  const emulatorCpu0 = processCpuUs(emulator.child.pid)
  let done = 0
  let n = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await call(n++)
        done++
      }
    }),
  )
  const cpu = process.cpuUsage(cpu0)
  return {
    perSecond: done / SECONDS,
    cpuUs: (cpu.user + cpu.system) / done,
    emulatorCpuUs: (processCpuUs(emulator.child.pid) - emulatorCpu0) / done,
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

const emulator = await startEmulatorProcess()
const emulatorUrl = emulator.url
const home = mkdtempSync(join(tmpdir(), 'fb-bench-runtime-'))
const store = await openStore({ home })
await store.connections.add({
  name: 'My Salesforce Connection',
  loginUrl: emulatorUrl,
  authFlow: 'password',
  ...CREDS,
})
const { definition, key } = await store.security.createApiKey('bench')
await store.channels.add({
  method: 'POST',
  path: '/api/campaigns',
  service: 'campaign.create',
  securityDefinitionId: definition.id,
})
const runtime = await createRuntime({
  store,
  log: createLogger({ level: 'silent' }),
  serviceFolders: [join(ROOT, 'examples', 'services')],
  async: { concurrency: 0, scheduler: false },
})
const serverUrl = await runtime.listen('127.0.0.1', 0)
const pool = new Pool(serverUrl, { connections: CONCURRENCY })
const direct = createClient({ loginUrl: emulatorUrl, auth: { flow: 'password', ...CREDS } })

const viaChannel = async (i: number) => {
  const res = await pool.request({
    method: 'POST',
    path: '/api/campaigns',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ name: `Bench ${i}`, segment: 'SMB' }),
  })
  if (res.statusCode !== 200)
    throw new Error(`channel answered ${res.statusCode}: ${await res.body.text()}`)
  await res.body.dump()
}
const viaClient = (i: number) =>
  direct.post('/sobjects/Campaign/', { Name: `Bench ${i}`, Segment__c: 'SMB' })

/** Sets the emulator's answer delay through its admin API (loopback: no token needed). */
async function setLatency(ms: number): Promise<void> {
  const res = await fetch(`${emulatorUrl}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs: ms }),
  })
  if (!res.ok) throw new Error(`could not set the emulator's latency: ${res.status}`)
}

interface Comparison {
  channel: number
  direct: number
  channelRates: Rate[]
  directRates: Rate[]
}

/** Rounds of both paths, interleaved so that machine noise hurts each alike; medians. */
async function compare(): Promise<Comparison> {
  const channelRates: Rate[] = []
  const directRates: Rate[] = []
  for (let r = 0; r < ROUNDS; r++) {
    channelRates.push(await measure(viaChannel))
    directRates.push(await measure(viaClient))
  }
  return {
    channel: median(channelRates.map((r) => r.perSecond)),
    direct: median(directRates.map((r) => r.perSecond)),
    channelRates,
    directRates,
  }
}

// CPU per request is steadier than req/s on a shared machine: it says what each path costs.
const cost = (rates: Rate[]) =>
  `${median(rates.map((r) => r.cpuUs)).toFixed(0)} µs here + ${median(rates.map((r) => r.emulatorCpuUs)).toFixed(0)} µs emulator`

function report(title: string, c: Comparison): void {
  console.log(title)
  console.log('  path                         req/s   CPU per request')
  console.log(
    `  REST channel (service)  ${c.channel.toFixed(0).padStart(10)}   ${cost(c.channelRates)}`,
  )
  console.log(
    `  client directly         ${c.direct.toFixed(0).padStart(10)}   ${cost(c.directRates)}`,
  )
  console.log(`  ratio ${(c.channel / c.direct).toFixed(2)}`)
}

// Warm up both paths (logins, JIT).
await measure(viaChannel)
await measure(viaClient)
console.log(`concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${SECONDS}s per path, medians`)
const loopback = await compare()
report('loopback (emulator answers at once; CPU-bound)', loopback)
await setLatency(LATENCY_MS)
const roundTrip = await compare()
report(`round trip (each Salesforce call answers ${LATENCY_MS} ms later)`, roundTrip)
await pool.close()
await direct.close()
await runtime.close()
await store.close()
await emulator.stop()
rmSync(home, { recursive: true, force: true })
console.log(`loopback_overhead_ratio=${(loopback.channel / loopback.direct).toFixed(2)}`)
console.log(`overhead_ratio=${(roundTrip.channel / roundTrip.direct).toFixed(2)}`)
