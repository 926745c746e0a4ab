// Benchmark of the runtime's overhead (issues 5 and 12). Each server runs in a child process of
// its own (bench/runtime-server.ts; the emulator too, bench/emulator-process.ts), and its CPU is
// read from that process (process.cpuUsage() asked over IPC before and after each measurement;
// /proc for the emulator), so the load generator's CPU in this process is never counted against
// a server. Paths, all measured in one run, rounds interleaved so machine noise hurts each alike:
//   REST channel      the seed's campaign.create through its channel (API key), which calls the
//                     emulator; its cost is server + emulator CPU.
//   client directly   the same create through the client in this process.
//   channel, no SF    a channel (API key) whose service (same schemas) answers without Salesforce:
//                     the channel machinery alone.
//   bare Fastify      a Fastify route (same version) answering the same JSON, no auth, no hooks.
// Two settings: loopback (the emulator answers at once; CPU-bound, so the ratio is an upper bound
// on overhead) and round trip (each emulator call answers BENCH_LATENCY_MS later, default 20: a
// stand-in for the network to Salesforce, so the ratio says what a caller sees in practice).
// Prints channel_vs_fastify=<bare route's server CPU per request ÷ the no-SF channel's>, the median
// of that ratio over rounds (each round measures both back to back, so a change in the machine's
// load between rounds cancels out; CPU per request is steadier than req/s, though still higher
// when the machine is busy: a server that waits for a core serves each request with cold caches
// and one wake-up per request), then, last, overhead_ratio=<channel req/s ÷
// direct req/s> with the round trip. BENCH_ONLY=machinery runs the last two paths only;
// BENCH_CPU_PROF=<folder> profiles both servers (V8's sampling profiler, as `node --cpu-prof`)
// through the loopback rounds and writes runtime.cpuprofile and bare.cpuprofile there; read them
// with bench/cpu-profile-summary.ts (with BENCH_ONLY=machinery the runtime serves one path only).
// Run: npm run bench:runtime

import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Pool } from 'undici'
import { createClient } from '../src/salesforce/index.js'
import { startEmulatorProcess } from './emulator-process.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20)
const MACHINERY_ONLY = process.env.BENCH_ONLY === 'machinery'
const CPU_PROF = process.env.BENCH_CPU_PROF
const SERVER_SCRIPT = resolve(import.meta.dirname, 'runtime-server.ts')
const CREDS = {
  username: 'my.user@example.com',
  password: 'my.password',
  securityToken: 'DemoSecurityToken01',
  clientId: '3MVG9forcebridge.demo.consumer.key',
  clientSecret: 'forcebridge-demo-consumer-secret',
}

/** A server in a child process, and the CPU it has used so far. */
interface ServerProcess {
  url: string
  key: string | undefined
  /** CPU of the child so far, in µs. */
  cpuUs(): Promise<NodeJS.CpuUsage>
  /** Starts the child's CPU profiler. */
  profileStart(): void
  /** Stops it and writes the profile to `file`. */
  profileStop(file: string): Promise<void>
  stop(): Promise<void>
}

async function startServer(mode: 'runtime' | 'bare', emulatorUrl: string): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT, mode], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_SERVER: JSON.stringify({ emulatorUrl, creds: CREDS }) },
  })
  const ready = await new Promise<{ url: string; key?: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; key?: string }))
    child.once('exit', (code) => reject(new Error(`${mode} server exited with code ${code}`)))
  })
  return {
    url: ready.url,
    key: ready.key,
    cpuUs: () =>
      new Promise((resolve) => {
        child.once('message', (m) => {
          resolve((m as { cpu: NodeJS.CpuUsage }).cpu)
        })
        child.send('cpu')
      }),
    profileStart: () => child.send('profile-start'),
    profileStop: (file) =>
      new Promise((resolve) => {
        child.once('message', () => resolve())
        child.send({ profileStop: file })
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.send('stop')
      }),
  }
}

interface Rate {
  /** Requests per second. */
  perSecond: number
  /** CPU per request in the server's process, µs (NaN for the client called directly). */
  serverUs: number
  /** The part of serverUs spent in the kernel (sockets, polling), µs. */
  serverSystemUs: number
  /** CPU per request in this process (load generator, or the client called directly), µs. */
  callerUs: number
  /** CPU per request in the emulator's process, µs (NaN where /proc is missing). */
  emulatorUs: number
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

interface Path {
  call: (i: number) => Promise<unknown>
  /** The process that serves the call, when not this one. */
  server?: ServerProcess
}

/** Runs `path` with CONCURRENCY callers for SECONDS; returns its rate and CPU costs. */
async function measure(path: Path): Promise<Rate> {
  const server0 = await path.server?.cpuUs()
  const emulator0 = processCpuUs(emulator.child.pid)
  const cpu0 = process.cpuUsage()
  const until = performance.now() + SECONDS * 1000
  let done = 0
  let n = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await path.call(n++)
        done++
      }
    }),
  )
  const cpu = process.cpuUsage(cpu0)
  const emulator1 = processCpuUs(emulator.child.pid)
  const server1 = await path.server?.cpuUs()
  return {
    perSecond: done / SECONDS,
    serverUs:
      server0 && server1
        ? (server1.user + server1.system - server0.user - server0.system) / done
        : Number.NaN,
    serverSystemUs: server0 && server1 ? (server1.system - server0.system) / done : Number.NaN,
    callerUs: (cpu.user + cpu.system) / done,
    emulatorUs: (emulator1 - emulator0) / done,
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** A POST of a campaign as JSON to `url` + `path`; fails unless the answer is 200. */
function poster(server: ServerProcess, path: string): Path {
  const pool = new Pool(server.url, { connections: CONCURRENCY })
  pools.push(pool)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (server.key) headers['x-api-key'] = server.key
  return {
    server,
    call: async (i) => {
      const res = await pool.request({
        method: 'POST',
        path,
        headers,
        body: JSON.stringify({ name: `Bench ${i}`, segment: 'SMB' }),
      })
      const text = await res.body.text()
      if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}: ${text}`)
      return text
    },
  }
}

const pools: Pool[] = []
const emulator = await startEmulatorProcess()
const [runtimeServer, bareServer] = await Promise.all([
  startServer('runtime', emulator.url),
  startServer('bare', emulator.url),
])
const direct = createClient({ loginUrl: emulator.url, auth: { flow: 'password', ...CREDS } })
const paths = {
  channel: poster(runtimeServer, '/api/campaigns'),
  direct: {
    call: (i: number) =>
      direct.post('/sobjects/Campaign/', { Name: `Bench ${i}`, Segment__c: 'SMB' }),
  } satisfies Path,
  machinery: poster(runtimeServer, '/api/bench-campaigns'),
  bare: poster(bareServer, '/api/campaigns'),
}
type PathName = keyof typeof paths

// Same answer from both, or the comparison would be unfair.
const [machineryAnswer, bareAnswer] = await Promise.all([
  paths.machinery.call(0),
  paths.bare.call(0),
])
if (machineryAnswer !== bareAnswer)
  throw new Error(`answers differ: channel ${String(machineryAnswer)}, bare ${String(bareAnswer)}`)

/** Sets the emulator's answer delay through its admin API (loopback: no token needed). */
async function setLatency(ms: number): Promise<void> {
  const res = await fetch(`${emulator.url}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs: ms }),
  })
  if (!res.ok) throw new Error(`could not set the emulator's latency: ${res.status}`)
}

/** ROUNDS of each named path, interleaved so that machine noise hurts each alike. */
async function compare(names: PathName[]): Promise<Map<PathName, Rate[]>> {
  const rates = new Map<PathName, Rate[]>(names.map((n) => [n, []]))
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of names) rates.get(name)?.push(await measure(paths[name]))
  }
  return rates
}

const LABELS: Record<PathName, string> = {
  channel: 'REST channel (service)',
  direct: 'client directly',
  machinery: 'channel, no Salesforce call',
  bare: 'bare Fastify route',
}
const us = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(0)).padStart(8)
const medianOf = (rates: Rate[], field: keyof Rate) => median(rates.map((r) => r[field]))
const perSecond = (rates: Map<PathName, Rate[]>, name: PathName) =>
  medianOf(rates.get(name) ?? [], 'perSecond')

function report(title: string, rates: Map<PathName, Rate[]>): void {
  console.log(title)
  console.log(
    '  path                              req/s   CPU µs per request:  server (kernel)   caller emulator',
  )
  for (const [name, list] of rates) {
    console.log(
      `  ${LABELS[name].padEnd(28)} ${medianOf(list, 'perSecond').toFixed(0).padStart(10)}` +
        `                     ${us(medianOf(list, 'serverUs'))} ${`(${us(medianOf(list, 'serverSystemUs')).trim()})`.padStart(8)} ${us(medianOf(list, 'callerUs'))} ${us(medianOf(list, 'emulatorUs'))}`,
    )
  }
}

const measured: PathName[] = MACHINERY_ONLY
  ? ['machinery', 'bare']
  : ['channel', 'direct', 'machinery', 'bare']
// Warm up every path (logins, JIT).
for (const name of measured) await measure(paths[name])
console.log(`concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${SECONDS}s per path, medians`)
if (CPU_PROF) for (const server of [runtimeServer, bareServer]) server.profileStart()
const loopback = await compare(measured)
if (CPU_PROF) {
  const served = (names: PathName[]) =>
    names.reduce(
      (sum, name) =>
        sum + (loopback.get(name) ?? []).reduce((n, r) => n + r.perSecond * SECONDS, 0),
      0,
    )
  await runtimeServer.profileStop(join(CPU_PROF, 'runtime.cpuprofile'))
  await bareServer.profileStop(join(CPU_PROF, 'bare.cpuprofile'))
  console.log(
    `profiles in ${CPU_PROF}: runtime.cpuprofile (${served(['channel', 'machinery']).toFixed(0)} requests), bare.cpuprofile (${served(['bare']).toFixed(0)} requests)`,
  )
}
report('loopback (emulator answers at once; CPU-bound)', loopback)
const roundRatios = (loopback.get('bare') ?? []).map(
  (bare, r) => bare.serverUs / (loopback.get('machinery')?.[r]?.serverUs ?? Number.NaN),
)
const channelVsFastify = median(roundRatios)
console.log(
  `  bare route ÷ channel without Salesforce (server CPU), per round: ${roundRatios.map((r) => r.toFixed(2)).join(' ')}`,
)
let roundTrip: Map<PathName, Rate[]> | undefined
if (!MACHINERY_ONLY) {
  await setLatency(LATENCY_MS)
  roundTrip = await compare(['channel', 'direct'])
  report(`round trip (each Salesforce call answers ${LATENCY_MS} ms later)`, roundTrip)
}
await Promise.all(pools.map((p) => p.close()))
await direct.close()
await Promise.all([runtimeServer.stop(), bareServer.stop()])
await emulator.stop()
console.log(`channel_vs_fastify=${channelVsFastify.toFixed(2)}`)
if (roundTrip) {
  const ratio = (rates: Map<PathName, Rate[]>) =>
    (perSecond(rates, 'channel') / perSecond(rates, 'direct')).toFixed(2)
  console.log(`loopback_overhead_ratio=${ratio(loopback)}`)
  console.log(`overhead_ratio=${ratio(roundTrip)}`)
}
