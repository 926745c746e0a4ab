// Benchmark of the Salesforce client (issue 3): one loopback JSON server in a worker thread
// serves a small record; forcebridge, raw undici and jsforce fetch it side by side at
// concurrency 1, 16 and 64, then compare the client CPU per request of forcebridge with
// undici's request() (the goal's yardstick) and with its bare dispatch() (the floor any client
// on undici pays) at concurrency 64, median of rounds. The last line gives the ratios and the logins for
// 10,000 calls. Run: npm run bench:client (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CPU_ROUNDS,
// BENCH_LEVELS=1,16,64 to change the run; BENCH_LEVELS= runs the CPU comparison alone).

import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { Pool } from 'undici'
import jsforce from 'jsforce'
import { createClient } from '../src/salesforce/index.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1)
// Rounds interleave the three clients so that a noisy machine hurts each alike; best kept.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const LEVELS = (process.env.BENCH_LEVELS ?? '1,16,64')
  .split(',')
  .filter((v) => v.trim() !== '')
  .map(Number)
// The CPU comparison alternates undici and forcebridge this many times and keeps the medians:
// CPU per request is steadier than requests per second on a shared machine, but not immune.
const CPU_ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 7)
const CPU_CONCURRENCY = 64
const PATH = '/services/data/v66.0/sobjects/Account/001000000000001AAA'

// The server runs in a child process: its work neither shares the client's event loop nor
// counts in the client's CPU time.
const SERVER = `
const { createServer } = require('node:http')
const record = JSON.stringify({ attributes: { type: 'Account', url: '${PATH}' },
  Id: '001000000000001AAA', Name: 'Acme', Industry: 'Energy', AnnualRevenue: 1000000 })
let tokenRequests = 0
const server = createServer((req, res) => {
  if (req.url === '/services/oauth2/token') {
    tokenRequests++
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ access_token: '00D!bench', instance_url: 'http://127.0.0.1:' + server.address().port,
        id: 'http://127.0.0.1/id/00D/005', token_type: 'Bearer', issued_at: String(Date.now()) }))
    })
    return
  }
  if (req.headers.authorization !== 'Bearer 00D!bench') {
    res.writeHead(401, { 'content-type': 'application/json' })
    res.end('[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]')
    return
  }
  res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' })
  res.end(record)
})
server.keepAliveTimeout = 60000
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
process.on('message', (m) => { if (m === 'stats') process.send({ tokenRequests }) })
`

type Fetch = () => Promise<unknown>

interface Measure {
  rps: number
  /** Client CPU microseconds per request (user + system), steadier than rps on a busy box. */
  cpuUs: number
}

async function measure(fetch: Fetch, concurrency: number): Promise<Measure> {
  // Warm up the connections first.
  await Promise.all(Array.from({ length: concurrency }, () => fetch()))
  let done = 0
  const end = performance.now() + SECONDS * 1000
  const started = performance.now()
  const cpu = process.cpuUsage()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await fetch()
        done++
      }
    }),
  )
  const used = process.cpuUsage(cpu)
  return {
    rps: done / ((performance.now() - started) / 1000),
    cpuUs: (used.user + used.system) / done,
  }
}

async function main(): Promise<void> {
  const worker = spawn(process.execPath, ['-e', SERVER], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const { port } = await new Promise<{ port: number }>((resolve) =>
    worker.once('message', (m) => resolve(m as { port: number })),
  )
  const origin = `http://127.0.0.1:${port}`
  const auth = {
    flow: 'password' as const,
    username: 'bench@example.com',
    password: 'p',
    clientId: 'bench',
    clientSecret: 's',
  }

  const pool = new Pool(origin, { connections: 128, keepAliveTimeout: 30_000 })
  const undiciFetch: Fetch = async () => {
    const res = await pool.request({
      method: 'GET',
      path: PATH,
      headers: { authorization: 'Bearer 00D!bench', accept: 'application/json' },
    })
    return res.body.json()
  }
  // The floor: undici's lowest level, a dispatch whose handler keeps the chunks and parses them.
  const undiciDispatchFetch: Fetch = () =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      pool.dispatch(
        {
          method: 'GET',
          path: PATH,
          headers: { authorization: 'Bearer 00D!bench', accept: 'application/json' },
        },
        {
          // undici takes a handler without onRequestStart for one of the deprecated kind.
          onRequestStart: () => {},
          onResponseData: (_c, chunk) => void chunks.push(chunk),
          onResponseEnd: () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))),
          onResponseError: (_c, err) => reject(err),
        },
      )
    })
  const fb = createClient({ loginUrl: origin, auth, maxConcurrency: 64 })
  const fbFetch: Fetch = () => fb.get(PATH)
  const conn = new jsforce.Connection({
    instanceUrl: origin,
    accessToken: '00D!bench',
    version: '66.0',
  })
  const jsforceFetch: Fetch = () => conn.request(PATH)

  type Row = { concurrency: number; undici: Measure; forcebridge: Measure; jsforce: Measure }
  const best = (a: Measure | undefined, b: Measure): Measure =>
    a ? { rps: Math.max(a.rps, b.rps), cpuUs: Math.min(a.cpuUs, b.cpuUs) } : b
  const rows: Row[] = []
  for (const concurrency of LEVELS) {
    let undici: Measure | undefined
    let forcebridge: Measure | undefined
    let js: Measure | undefined
    for (let round = 0; round < ROUNDS; round++) {
      undici = best(undici, await measure(undiciFetch, concurrency))
      forcebridge = best(forcebridge, await measure(fbFetch, concurrency))
      js = best(js, await measure(jsforceFetch, concurrency))
    }
    if (undici && forcebridge && js) rows.push({ concurrency, undici, forcebridge, jsforce: js })
  }
  // CPU per request at concurrency 64: rounds interleave the three, the medians are compared.
  const undiciCpu: number[] = []
  const dispatchCpu: number[] = []
  const fbCpu: number[] = []
  for (let round = 0; round < CPU_ROUNDS; round++) {
    undiciCpu.push((await measure(undiciFetch, CPU_CONCURRENCY)).cpuUs)
    dispatchCpu.push((await measure(undiciDispatchFetch, CPU_CONCURRENCY)).cpuUs)
    fbCpu.push((await measure(fbFetch, CPU_CONCURRENCY)).cpuUs)
  }
  const undiciCpuUs = median(undiciCpu)
  const dispatchCpuUs = median(dispatchCpu)
  const fbCpuUs = median(fbCpu)
  await fb.close()
  await pool.close()

  // Logins: a fresh client, 10,000 calls at concurrency 50.
  const statsBefore = await tokenRequests(worker)
  const fresh = createClient({ loginUrl: origin, auth, maxConcurrency: 50 })
  let left = 10_000
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (left-- > 0) await fresh.get(PATH)
    }),
  )
  await fresh.close()
  const logins = (await tokenRequests(worker)) - statsBefore
  worker.kill()

  if (rows.length > 0) {
    const cell = (m: Measure) => `${Math.round(m.rps)}/s ${m.cpuUs.toFixed(0)}us`.padStart(16)
    console.log(
      `${'concurrency'.padStart(11)} ${'undici'.padStart(16)} ${'forcebridge'.padStart(16)} ${'jsforce'.padStart(16)}`,
    )
    for (const r of rows) {
      console.log(
        `${String(r.concurrency).padStart(11)} ${cell(r.undici)} ${cell(r.forcebridge)} ${cell(r.jsforce)}`,
      )
    }
    console.log(
      `(requests per second, best of ${ROUNDS} rounds of ${SECONDS}s; client CPU microseconds per request)`,
    )
  }
  console.log(
    `client CPU per request at concurrency ${CPU_CONCURRENCY}, median of ${CPU_ROUNDS} rounds of ${SECONDS}s: undici request() ${undiciCpuUs.toFixed(1)}us, undici dispatch() ${dispatchCpuUs.toFixed(1)}us, forcebridge ${fbCpuUs.toFixed(1)}us`,
  )
  const last = rows[rows.length - 1]
  const rates = last
    ? `ratio_vs_undici=${(last.forcebridge.rps / last.undici.rps).toFixed(2)} ratio_vs_jsforce=${(last.forcebridge.rps / last.jsforce.rps).toFixed(2)} `
    : ''
  console.log(
    `${rates}cpu_ratio_vs_undici=${(undiciCpuUs / fbCpuUs).toFixed(2)} cpu_ratio_vs_undici_dispatch=${(dispatchCpuUs / fbCpuUs).toFixed(2)} logins=${logins}`,
  )
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

function tokenRequests(worker: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    worker.once('message', (m) => resolve((m as { tokenRequests: number }).tokenRequests))
    worker.send('stats')
  })
}

await main()
