// Requests per second the emulator serves for token, create, retrieve and a paged query,
// with an undici Pool at concurrency 16. `npm run bench:emulator` (DURATION_MS to change
// the time per scenario, default 3000). Then the scale run of emulator-scale.ts:
// BENCH_SCALE_RECORDS records (default 1,000,000 to keep the run short; 5000000 for the
// goal figures; 0 skips it).

import { Pool } from 'undici'
import { startEmulator } from '../src/emulator/index.js'
import { defaultOrg } from '../src/emulator/org/default-org.js'
import { scaleRun } from './emulator-scale.js'

const CONCURRENCY = 16
const DURATION_MS = Number(process.env.DURATION_MS ?? 3000)

interface Row {
  scenario: string
  requests: number
  'req/s': number
  'p50 ms': number
  'p99 ms': number
}

async function measure(scenario: string, call: () => Promise<number>): Promise<Row> {
  const latencies: number[] = []
  let requests = 0
  const deadline = performance.now() + DURATION_MS
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now()
        const done = await call()
        requests += done
        latencies.push(performance.now() - t)
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const pct = (p: number) =>
    Math.round((latencies[Math.floor((latencies.length - 1) * p)] ?? 0) * 100) / 100
  return {
    scenario,
    requests,
    'req/s': Math.round(requests / elapsed),
    'p50 ms': pct(0.5),
    'p99 ms': pct(0.99),
  }
}

async function main(): Promise<void> {
  const emu = await startEmulator({
    org: {
      ...defaultOrg,
      settings: { dailyApiRequests: 1_000_000_000, loginsPerUserPerHour: 1_000_000_000 },
    },
  })
  const pool = new Pool(emu.url, { connections: CONCURRENCY })
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: '3MVG9forcebridge.demo.consumer.key',
    client_secret: 'forcebridge-demo-consumer-secret',
    username: 'my.user@example.com',
    password: 'my.passwordDemoSecurityToken01',
  }).toString()
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' }
  const login = async () => {
    const res = await pool.request({
      method: 'POST',
      path: '/services/oauth2/token',
      body: form,
      headers: formHeaders,
    })
    return (await res.body.json()) as { access_token: string }
  }
  const { access_token } = await login()
  const headers = { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }
  const ids: string[] = []
  const expect = async (res: Awaited<ReturnType<Pool['request']>>, status: number) => {
    const text = await res.body.text()
    if (res.statusCode !== status)
      throw new Error(`expected ${status}, got ${res.statusCode}: ${text.slice(0, 200)}`)
    return text
  }

  const rows: Row[] = []
  rows.push(
    await measure('token (password flow)', async () => {
      await login()
      return 1
    }),
  )
  let n = 0
  rows.push(
    await measure('create Account', async () => {
      const res = await pool.request({
        method: 'POST',
        path: '/services/data/v62.0/sobjects/Account',
        headers,
        body: JSON.stringify({ Name: `Bench ${n++}`, Industry: 'Energy' }),
      })
      ids.push((JSON.parse(await expect(res, 201)) as { id: string }).id)
      return 1
    }),
  )
  let i = 0
  rows.push(
    await measure('retrieve Account', async () => {
      const id = ids[i++ % ids.length]!
      await expect(
        await pool.request({
          method: 'GET',
          path: `/services/data/v62.0/sobjects/Account/${id}`,
          headers,
        }),
        200,
      )
      return 1
    }),
  )
  const q = encodeURIComponent(
    "SELECT Id, Name, Industry FROM Account WHERE Name LIKE 'Bench 1%' LIMIT 2000",
  )
  rows.push(
    await measure('paged query (pages of 200)', async () => {
      let path: string | undefined = `/services/data/v62.0/query?q=${q}`
      let pages = 0
      while (path) {
        const res = await pool.request({
          method: 'GET',
          path,
          headers: { ...headers, 'sforce-query-options': 'batchSize=200' },
        })
        const page = JSON.parse(await expect(res, 200)) as { nextRecordsUrl?: string }
        pages++
        path = page.nextRecordsUrl
      }
      return pages
    }),
  )
  console.log(
    `emulator benchmark: concurrency ${CONCURRENCY}, ${DURATION_MS} ms per scenario, ${ids.length} accounts`,
  )
  console.table(rows)
  await pool.close()
  await emu.close()
  const scale = Number(process.env.BENCH_SCALE_RECORDS ?? 1_000_000)
  if (scale > 0) await scaleRun(scale)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
