// Benchmark of change events (issue 15): 20,000 record changes made through the emulator's
// Bulk API 2.0 (inserts) and REST API (one create per record), consumed live by
// client.events.subscribe. Prints the live rate, the rate at which a backlog of the same events
// is decoded, lag from commit (the header's commitTimestamp) to the consumer, and events lost or
// repeated. The emulator runs in a child process, so the consumer's figures are the client's.
// Run: npm run bench:events   (BENCH_EVENTS changes the total, BENCH_BULK the Bulk share: half)

import { spawn } from 'node:child_process'
import { createClient, type PubSubEvent } from '../src/salesforce/index.js'

const TOTAL = Number(process.env.BENCH_EVENTS ?? 20_000)
const BULK = Math.min(TOTAL, Number(process.env.BENCH_BULK ?? Math.floor(TOTAL / 2)))
const REST = TOTAL - BULK
const REST_CONCURRENCY = 16
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
import(${JSON.stringify(EMULATOR_INDEX)}).then(async ({ startEmulator, defaultOrg }) => {
  const emulator = await startEmulator({
    port: 0,
    org: {
      ...defaultOrg,
      settings: { ...defaultOrg.settings, dailyApiRequests: 10000000 },
      events: { changeDataCapture: ['Account'] },
    },
    pubsub: { keepaliveMs: 200 },
    // The emulator runs Bulk processing and the event bus on one event loop (Salesforce does
    // not): a Bulk chunk holds the loop, and a stream gets at most 100 events (its outstanding
    // demand) per turn of it. Chunks of 100 rows (still up to 100,000 rows a second) let the
    // stream keep up; BENCH_BULK_CHUNK=500 shows the emulator's default pace.
    bulk: { chunkSize: ${Number(process.env.BENCH_BULK_CHUNK ?? 100)}, tickMs: 1 },
  })
  process.send({ url: emulator.url, pubsub: emulator.pubsubEndpoint })
  process.on('message', () => void emulator.close().then(() => process.exit(0)))
})
`

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', EMULATOR], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const { url, pubsub } = await new Promise<{ url: string; pubsub: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; pubsub: string }))
    child.once('exit', (code) => reject(new Error(`emulator exited with code ${code}`)))
  })
  const client = createClient({ loginUrl: url, auth, pubsubEndpoint: pubsub, maxConcurrency: 64 })
  try {
    await run(client)
  } finally {
    await client.close()
    child.send('stop')
  }
}

async function run(client: ReturnType<typeof createClient>): Promise<void> {
  const topic = '/data/AccountChangeEvent'
  // Open the subscription and wait for its first keepalive, so no change is made before it.
  let open!: () => void
  const opened = new Promise<void>((r) => (open = r))
  const sub = client.events.subscribe(topic, {
    batchSize: 100,
    onStatus: (s) => s.state === 'open' && open(),
  })
  const lags: number[] = []
  const seen = new Set<string>()
  let repeated = 0
  let first: PubSubEvent | undefined
  let lastAt = 0
  const consumed = (async () => {
    for await (const e of sub) {
      const now = Date.now()
      first ??= e
      lastAt = now
      lags.push(now - Number(e.change!.commitTimestamp))
      const key = e.change!.recordIds[0]!
      if (seen.has(key)) repeated++
      seen.add(key)
      if (seen.size + repeated >= TOTAL) break
    }
  })()
  await opened

  const started = Date.now()
  const bulk =
    BULK > 0 &&
    client.data.bulk.ingest(
      { object: 'Account', operation: 'insert', poll: { initialDelayMs: 50, maxDelayMs: 200 } },
      Array.from({ length: BULK }, (_, i) => ({ Name: `Bulk ${i}`, Phone: String(i) })),
    )
  let next = 0
  const rest = Promise.all(
    Array.from({ length: REST_CONCURRENCY }, async () => {
      while (next < REST) {
        const i = next++
        await client.post('/sobjects/Account', { Name: `Rest ${i}` })
      }
    }),
  )
  const timeout = setTimeout(() => sub.close(), 120_000)
  await Promise.all([bulk, rest])
  const produced = Date.now()
  await consumed
  clearTimeout(timeout)
  const liveSeconds = (lastAt - started) / 1000
  const lost = TOTAL - seen.size

  // The same events again, as a backlog from the earliest: how fast the client decodes them.
  const drainStart = Date.now()
  let drained = 0
  for await (const e of client.events.subscribe(topic, { replay: 'earliest', batchSize: 100 })) {
    if (e.change) drained++
    if (drained >= TOTAL) break
  }
  const drainSeconds = (Date.now() - drainStart) / 1000

  lags.sort((a, b) => a - b)
  const live = Math.round(seen.size / liveSeconds)
  const decoded = Math.round(drained / drainSeconds)
  console.log(
    `changes made: ${TOTAL} (${BULK} Bulk API 2.0 inserts, ${REST} REST creates) in ${((produced - started) / 1000).toFixed(2)} s`,
  )
  console.log(
    `live: ${seen.size} events in ${liveSeconds.toFixed(2)} s = ${live} events/s (bound by how fast the changes are made)`,
  )
  console.log(
    `backlog: ${drained} events decoded in ${drainSeconds.toFixed(2)} s = ${decoded} events/s`,
  )
  console.log(
    `lag commit→consumer: p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms, max ${lags.at(-1)} ms`,
  )
  console.log(`lost ${lost}, repeated ${repeated}`)
  console.log(`events_per_s=${decoded} lag_p50_ms=${percentile(lags, 50)} lost=${lost}`)
}

await main()
