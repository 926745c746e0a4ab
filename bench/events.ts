// Benchmark of change events (issue 15): 20,000 record changes made through the emulator's
// Bulk API 2.0 (inserts) and REST API (one create per record), consumed live by a runtime
// event service (defineService({ events }), the runtime's runner, its lease and its SQLite
// store), then the same again consumed by a bare client.events.subscribe for comparison.
// Prints the live rates, lag from commit (the header's commitTimestamp) to the handler, events
// lost and redelivered, and the rate at which a backlog of the events is decoded (client) and
// handled (runtime). The emulator and the producer each run in a child process, as Salesforce
// and the org's users would: this process only consumes.
// Run: npm run bench:events   (BENCH_EVENTS changes the total, BENCH_BULK the Bulk share: half)

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, createRuntime, defineService, type Runtime } from '../src/runtime/index.js'
import { createClient, type PubSubEvent } from '../src/salesforce/index.js'
import { openStore, type Store } from '../src/store/index.js'

const TOTAL = Number(process.env.BENCH_EVENTS ?? 20_000)
const BULK = Math.min(TOTAL, Number(process.env.BENCH_BULK ?? Math.floor(TOTAL / 2)))
const REST = TOTAL - BULK
const REST_CONCURRENCY = 16
const TOPIC = '/data/AccountChangeEvent'
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

// The emulator's defaults for Bulk (500-row chunks each millisecond, in 2 ms slices).
const EMULATOR = `
import(${JSON.stringify(EMULATOR_INDEX)}).then(async ({ startEmulator, defaultOrg }) => {
  const emulator = await startEmulator({
    port: 0,
    org: {
      ...defaultOrg,
      settings: { ...defaultOrg.settings, dailyApiRequests: 10000000 },
      events: { changeDataCapture: ['Account'] },
    },
    pubsub: { keepaliveMs: 200 },
  })
  process.send({ url: emulator.url, pubsub: emulator.pubsubEndpoint })
  process.on('message', () => void emulator.close().then(() => process.exit(0)))
})
`

// Makes the changes: `n` Bulk inserts and REST creates, names starting with `prefix`.
const PRODUCER = `
import(${JSON.stringify(new URL('../src/salesforce/index.ts', import.meta.url).href)}).then(async ({ createClient }) => {
  const [url, prefix, bulkCount, restCount] = process.argv.slice(1)
  const client = createClient({ loginUrl: url, auth: ${JSON.stringify(auth)}, maxConcurrency: 64 })
  const started = Date.now()
  const bulk = Number(bulkCount) > 0 && client.data.bulk.ingest(
    { object: 'Account', operation: 'insert', poll: { initialDelayMs: 50, maxDelayMs: 200 } },
    Array.from({ length: Number(bulkCount) }, (_, i) => ({ Name: prefix + 'Bulk ' + i, Phone: String(i) })),
  )
  let next = 0
  const rest = Promise.all(Array.from({ length: ${REST_CONCURRENCY} }, async () => {
    while (next < Number(restCount)) {
      const i = next++
      await client.post('/sobjects/Account', { Name: prefix + 'Rest ' + i })
    }
  }))
  await Promise.all([bulk, rest])
  await client.close()
  process.send({ started, ms: Date.now() - started })
})
`

/** Runs the producer; resolves with when it started and how long the changes took. */
function produce(url: string, prefix: string): Promise<{ started: number; ms: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '-e', PRODUCER, url, prefix, String(BULK), String(REST)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as { started: number; ms: number }))
    child.once('exit', (code) => reject(new Error(`the producer exited with code ${code}`)))
  })
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** What one consumer saw: lag per event, distinct records, repeats, when the last came. */
class Tally {
  readonly lags: number[] = []
  /** The same lags by where the change came from, and the span of the Bulk job's commits. */
  readonly bySource = { Bulk: [] as number[], Rest: [] as number[] }
  bulkCommits = { first: Infinity, last: -Infinity }
  readonly seen = new Set<string>()
  repeated = 0
  lastAt = 0
  #done!: () => void
  readonly done = new Promise<void>((r) => (this.#done = r))
  constructor(private readonly prefix: string) {}

  add(e: PubSubEvent, now: number): void {
    const name = typeof e.payload.Name === 'string' ? e.payload.Name : ''
    if (!name.startsWith(this.prefix)) return
    this.lastAt = now
    const committed = Number(e.change!.commitTimestamp)
    this.lags.push(now - committed)
    const source = name.slice(this.prefix.length).startsWith('Bulk ') ? 'Bulk' : 'Rest'
    this.bySource[source].push(now - committed)
    if (source === 'Bulk') {
      this.bulkCommits.first = Math.min(this.bulkCommits.first, committed)
      this.bulkCommits.last = Math.max(this.bulkCommits.last, committed)
    }
    if (this.seen.has(name)) this.repeated++
    this.seen.add(name)
    if (this.seen.size >= TOTAL) this.#done()
  }
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', EMULATOR], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const { url, pubsub } = await new Promise<{ url: string; pubsub: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; pubsub: string }))
    child.once('exit', (code) => reject(new Error(`emulator exited with code ${code}`)))
  })
  const dir = mkdtempSync(join(tmpdir(), 'fb-bench-events-'))
  const store = await openStore({ home: join(dir, 'home') })
  await store.connections.add({
    name: 'crm',
    loginUrl: url,
    authFlow: 'password',
    username: auth.username,
    password: auth.password,
    securityToken: auth.securityToken,
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
  })
  const runtime = await createRuntime({
    store,
    log: createLogger({ level: 'silent' }),
    watch: false,
    async: { concurrency: 0, scheduler: false },
    pubsubEndpoint: pubsub,
  })
  const client = createClient({ loginUrl: url, auth, pubsubEndpoint: pubsub, maxConcurrency: 64 })
  try {
    await run(url, runtime, client, store)
  } finally {
    await runtime.close()
    await client.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
    child.send('stop')
  }
}

/** Registers an event service that tallies what it handles; resolves once its stream is open. */
async function service(
  runtime: Runtime,
  client: ReturnType<typeof createClient>,
  name: string,
  replay: 'latest' | 'earliest',
  tally: Tally,
): Promise<{ batches: () => number }> {
  let batches = 0
  let warm!: () => void
  const warmed = new Promise<void>((r) => (warm = r))
  const marker = `Warm ${name}`
  runtime.registry.replaceSource(name, [
    defineService({
      name,
      events: { connection: 'crm', topic: TOPIC, replay, batchSize: 100 },
      handle({ input }) {
        const now = Date.now()
        batches++
        for (const e of input.events) {
          if (e.payload.Name === marker) warm()
          tally.add(e, now)
        }
      },
    }),
  ])
  if (replay === 'latest') {
    // One change made until the service sees one: then its stream is open, and no change of
    // the run is made before it.
    const poke = setInterval(() => void client.post('/sobjects/Account', { Name: marker }), 300)
    await warmed.finally(() => clearInterval(poke))
  }
  return { batches: () => batches }
}

async function run(
  url: string,
  runtime: Runtime,
  client: ReturnType<typeof createClient>,
  store: Store,
): Promise<void> {
  // Live, through the runtime: a service on the latest position, then the changes.
  const handled = new Tally('A ')
  const live = await service(runtime, client, 'bench.live', 'latest', handled)
  const batchesBefore = live.batches()
  const runtimeRun = await produce(url, 'A ')
  await Promise.race([handled.done, timeoutAfter(120_000)])
  const liveBatches = live.batches() - batchesBefore
  // Stopped at the runtime's next look at the registry (within a second), which lets its lease
  // go: waited for, so that the bare client's run and the backlog runs have no other consumer.
  runtime.registry.removeSource('bench.live')
  await stopped(store, 'bench.live')

  // Live, through a bare client, on new changes.
  const bare = new Tally('B ')
  let open!: () => void
  const opened = new Promise<void>((r) => (open = r))
  const sub = client.events.subscribe(TOPIC, {
    batchSize: 100,
    onStatus: (s) => s.state === 'open' && open(),
  })
  const consumed = (async () => {
    for await (const e of sub) {
      bare.add(e, Date.now())
      if (bare.seen.size >= TOTAL) break
    }
  })()
  await opened
  const clientRun = await produce(url, 'B ')
  const timeout = setTimeout(() => sub.close(), 120_000)
  await consumed
  clearTimeout(timeout)

  // The runtime's changes again, as a backlog from the earliest: how fast they are decoded by
  // the client alone, then decoded and handled by a runtime service that stores its position.
  const drainStart = Date.now()
  let drained = 0
  for await (const e of client.events.subscribe(TOPIC, { replay: 'earliest', batchSize: 100 })) {
    if (typeof e.payload.Name === 'string' && e.payload.Name.startsWith('A ')) drained++
    if (drained >= TOTAL) break
  }
  const drainSeconds = (Date.now() - drainStart) / 1000
  const backlog = new Tally('A ')
  const backlogStart = Date.now()
  await service(runtime, client, 'bench.backlog', 'earliest', backlog)
  await Promise.race([backlog.done, timeoutAfter(120_000)])
  const backlogSeconds = (backlog.lastAt - backlogStart) / 1000

  const rate = (n: number, s: number) => Math.round(n / s)
  const figures = (t: Tally, started: number) => {
    const lags = [...t.lags].sort((x, y) => x - y)
    return {
      rate: rate(t.seen.size, (t.lastAt - started) / 1000),
      p50: percentile(lags, 50),
      p99: percentile(lags, 99),
      lost: TOTAL - t.seen.size,
    }
  }
  const h = figures(handled, runtimeRun.started)
  const b = figures(bare, clientRun.started)
  const made = (r: { ms: number }) => `${(r.ms / 1000).toFixed(2)} s`
  console.log(
    `changes made per run: ${TOTAL} (${BULK} Bulk API 2.0 inserts, ${REST} REST creates), by another process`,
  )
  console.log(
    `live, runtime service: made in ${made(runtimeRun)}; ${handled.seen.size} handled at ${h.rate} events/s in ${liveBatches} batches; lag commit→handler p50 ${h.p50} ms, p99 ${h.p99} ms; lost ${h.lost}, redelivered ${handled.repeated}`,
  )
  console.log(
    `live, bare client:     made in ${made(clientRun)}; ${bare.seen.size} taken at ${b.rate} events/s; lag commit→consumer p50 ${b.p50} ms, p99 ${b.p99} ms; lost ${b.lost}, repeated ${bare.repeated}`,
  )
  // A Bulk job commits its rows far faster than REST calls do: its burst, not the steady REST
  // stream, sets most of the lag. Shown apart so each figure can be read for what it is.
  const sources = (t: Tally) => {
    const p = (lags: number[], q: number) =>
      percentile(
        [...lags].sort((x, y) => x - y),
        q,
      )
    const span = t.bulkCommits.last - t.bulkCommits.first
    return (
      `Bulk p50 ${p(t.bySource.Bulk, 50)} ms, p99 ${p(t.bySource.Bulk, 99)} ms ` +
      `(${t.bySource.Bulk.length} rows committed within ${span} ms); ` +
      `REST p50 ${p(t.bySource.Rest, 50)} ms, p99 ${p(t.bySource.Rest, 99)} ms`
    )
  }
  console.log(`lag by source, runtime service: ${sources(handled)}`)
  console.log(`lag by source, bare client:     ${sources(bare)}`)
  console.log(
    `backlog: ${drained} events decoded by the client at ${rate(drained, drainSeconds)} events/s; ${backlog.seen.size} decoded and handled by a runtime service at ${rate(backlog.seen.size, backlogSeconds)} events/s`,
  )
  console.log(
    `events_per_s=${rate(backlog.seen.size, backlogSeconds)} lag_p50_ms=${h.p50} lost=${h.lost}`,
  )
}

/** Resolves once the service's subscription has no lease holder (its runner stopped). */
async function stopped(store: Store, service: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while ((await store.subscriptions.find(service))?.leaseOwner) {
    if (Date.now() > deadline) throw new Error(`${service} still holds its subscription`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function timeoutAfter(ms: number): Promise<void> {
  return new Promise((_, reject) => {
    const t = setTimeout(() => reject(new Error(`no end after ${ms} ms`)), ms)
    t.unref()
  })
}

await main()
