// Benchmark of bulk writes and exports (issue 6): 100,000 generated Accounts inserted three ways
// (insertMany, sObject Collections only, one REST create per record capped at 5,000 and scaled),
// then exported back with a streaming Bulk query while the exporting process's RSS is sampled.
// The emulator runs in a child process and so does the export, so each figure is the client's.
// Run: npm run bench:bulk   (BENCH_RECORDS and BENCH_REST_RECORDS change the sizes)

import { fork, spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createClient, type SalesforceClient } from '../src/salesforce/index.js'

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000)
const REST_RECORDS = Math.min(RECORDS, Number(process.env.BENCH_REST_RECORDS ?? 5_000))
// Each data API call is answered this much later by the emulator, for every path alike: a
// stand-in for the network round trip to Salesforce (tens to hundreds of ms from most servers),
// without which a loopback emulator makes one-call-per-record look nearly free. 0 = raw loopback.
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20)
const EMULATOR_INDEX = new URL('../src/emulator/index.ts', import.meta.url).href

// The demo org's user and connected app (examples/demo-org.yaml); local test values only.
const auth = {
  flow: 'password' as const,
  username: 'my.user@example.com',
  password: 'my.password',
  securityToken: 'DemoSecurityToken01',
  clientId: '3MVG9forcebridge.demo.consumer.key',
  clientSecret: 'forcebridge-demo-consumer-secret',
}

const EMULATOR = `
import(${JSON.stringify(EMULATOR_INDEX)}).then(async ({ startEmulator }) => {
  const emulator = await startEmulator({ port: 0 })
  emulator.faults.set({ latencyMs: ${LATENCY_MS} })
  process.send({ url: emulator.url })
  process.on('message', () => void emulator.close().then(() => process.exit(0)))
})
`

interface Row {
  path: string
  records: number
  seconds: number
  calls: number
}

interface Exported {
  rows: number
  seconds: number
  peak: number
  calls: number
}

const rate = (r: Row): number => r.records / r.seconds

function accounts(tag: string, n: number): Array<{ Name: string; AccountNumber: string }> {
  return Array.from({ length: n }, (_, i) => ({
    Name: `${tag} ${i}`,
    AccountNumber: `${tag.slice(0, 2).toUpperCase()}-${i}`,
  }))
}

/** Runs `fn` and counts the data API requests the client sent meanwhile (retries included). */
async function measure(
  client: SalesforceClient,
  path: string,
  records: number,
  fn: () => Promise<unknown>,
): Promise<Row> {
  let calls = 0
  const count = () => void calls++
  client.on('request', count)
  const started = performance.now()
  await fn()
  const seconds = (performance.now() - started) / 1000
  client.off('request', count)
  return { path, records, seconds, calls }
}

function checkAll(path: string, results: Array<{ success: boolean }>, n: number): void {
  const ok = results.filter((r) => r.success).length
  if (results.length !== n || ok !== n) throw new Error(`${path}: ${ok} of ${n} records created`)
}

/** The export, in its own process: streams every insertMany row and reports the peak RSS. */
async function exportChild(url: string): Promise<void> {
  const client = createClient({ loginUrl: url, auth })
  let peak = process.memoryUsage().rss
  const sample = () => void (peak = Math.max(peak, process.memoryUsage().rss))
  const timer = setInterval(sample, 20)
  const started = performance.now()
  let rows = 0
  let calls = 0
  client.on('request', () => void calls++)
  const query = client.data.bulk.query(
    "SELECT Id, Name, AccountNumber FROM Account WHERE Name LIKE 'insertMany %'",
  )
  for await (const row of query) {
    if (row.Id) rows++
    if (rows % 1000 === 0) sample()
  }
  clearInterval(timer)
  sample()
  const seconds = (performance.now() - started) / 1000
  await client.close()
  process.send?.({ rows, seconds, peak, calls })
}

async function startEmulatorProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', EMULATOR], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url))
    child.once('exit', (code) => reject(new Error(`emulator exited with code ${code}`)))
  })
  return { child, url }
}

async function runExport(url: string): Promise<Exported> {
  const child = fork(fileURLToPath(import.meta.url), ['--export', url], {
    execArgv: ['--import', 'tsx'],
  })
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as Exported))
    child.once('exit', (code) => reject(new Error(`export process exited with code ${code}`)))
  })
}

async function main(): Promise<void> {
  const { child, url } = await startEmulatorProcess()
  const client = createClient({ loginUrl: url, auth })
  try {
    const many = accounts('insertMany', RECORDS)
    const bulk = await measure(client, 'insertMany (Bulk API 2.0)', RECORDS, async () =>
      checkAll('insertMany', await client.sobject('Account').insertMany(many), RECORDS),
    )
    const coll = accounts('collections', RECORDS)
    const collections = await measure(client, 'Collections only', RECORDS, async () =>
      checkAll('collections', await client.data.collections.create('Account', coll), RECORDS),
    )
    const single = accounts('rest', REST_RECORDS)
    const rest = await measure(
      client,
      `REST one per record (${REST_RECORDS} run)`,
      REST_RECORDS,
      async () => {
        for (const record of single) await client.sobject('Account').create(record)
      },
    )
    const exported = await runExport(url)
    if (exported.rows !== RECORDS)
      throw new Error(`export read ${exported.rows} of ${RECORDS} rows`)

    const scale = RECORDS / REST_RECORDS
    const line = (path: string, records: number, seconds: number, calls: number) =>
      console.log(
        `${path.padEnd(40)} ${String(records).padStart(8)} ${seconds.toFixed(2).padStart(9)} ${Math.round(
          records / seconds,
        )
          .toString()
          .padStart(10)} ${String(calls).padStart(9)}`,
      )
    console.log(
      `${'path'.padEnd(40)} ${'records'.padStart(8)} ${'seconds'.padStart(9)} ${'records/s'.padStart(10)} ${'API calls'.padStart(9)}`,
    )
    line(bulk.path, bulk.records, bulk.seconds, bulk.calls)
    line(collections.path, collections.records, collections.seconds, collections.calls)
    line(
      `REST one per record (scaled from ${REST_RECORDS})`,
      RECORDS,
      rest.seconds * scale,
      Math.round(rest.calls * scale),
    )
    line('export (Bulk query, streamed)', exported.rows, exported.seconds, exported.calls)
    console.log(`latency per data API call: ${LATENCY_MS} ms (BENCH_LATENCY_MS; 0 = raw loopback)`)
    console.log(
      `export peak RSS of the exporting process: ${(exported.peak / 2 ** 20).toFixed(1)} MB`,
    )
    console.log(
      `api_calls=${bulk.calls} peak_rss_mb=${Math.round(exported.peak / 2 ** 20)} speedup_vs_rest=${(rate(bulk) / rate(rest)).toFixed(1)}`,
    )
  } finally {
    await client.close()
    child.send('close')
  }
}

const exportAt = process.argv.indexOf('--export')
const run = exportAt >= 0 ? exportChild(process.argv[exportAt + 1] ?? '') : main()
run.catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
