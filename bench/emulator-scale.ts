// The emulator at scale: BENCH_SCALE_RECORDS Invoice__c records (default 1,000,000; the
// goal figures are for 5,000,000) inserted through Bulk API 2.0 in CSV jobs of 100,000
// rows, printing RSS after each million and the ingest rate; then an indexed lookup by Id
// and by external id (REST query), a selective query, and a full Bulk query export. The
// emulator runs built (`dist/`) in a child process of its own, so the RSS printed is the
// emulator's alone (BENCH_SCALE_PROFILE=<folder> writes its CPU profile there).
// Last line: `rss_mb_at_<n>=<mb> ingest_rows_per_s=<n> lookup_ms=<n>`.
// BENCH_SCALE_JOB_ROWS sets the rows per job (default 100,000); BENCH_SCALE_JOBS_IN_FLIGHT the
// jobs open at once (default 2; 1 waits for each job before sending the next);
// BENCH_SCALE_KEEP_JOBS=1 keeps finished jobs (and their results) instead of deleting them;
// BENCH_SCALE_INGEST_ONLY=1 stops after the ingest.
// Only the scale run: `npm run build && BENCH_SCALE_RECORDS=200000 npx tsx bench/emulator-scale.ts`.

import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { startEmulatorProcess } from './emulator-process.js'

const V = 'v62.0'
const JOB_ROWS = Number(process.env.BENCH_SCALE_JOB_ROWS ?? 100_000)
const KEEP_JOBS = process.env.BENCH_SCALE_KEEP_JOBS === '1'
const JOBS_IN_FLIGHT = Number(process.env.BENCH_SCALE_JOBS_IN_FLIGHT ?? 2)

/** One response header as text. */
function header(headers: Record<string, string | string[] | undefined>, name: string): string {
  const v = headers[name]
  return Array.isArray(v) ? v.join(',') : (v ?? '')
}

/** `5m`, `1m`, `250k`: the count as the last line names it. */
function countName(n: number): string {
  if (n % 1_000_000 === 0) return `${n / 1_000_000}m`
  if (n % 1000 === 0) return `${n / 1000}k`
  return String(n)
}

export async function scaleRun(total: number): Promise<void> {
  const profile = process.env.BENCH_SCALE_PROFILE
  const emu = await startEmulatorProcess({
    fromDist: true,
    bulk: { chunkSize: 5000, tickMs: 0 },
    ...(profile ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${profile}`] } : {}),
  })
  const rssMb = () => emu.rssMb()
  const pool = new Pool(emu.url, { connections: 4 })
  try {
    const token = await pool.request({
      method: 'POST',
      path: '/services/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: '3MVG9forcebridge.demo.consumer.key',
        client_secret: 'forcebridge-demo-consumer-secret',
        username: 'my.user@example.com',
        password: 'my.passwordDemoSecurityToken01',
      }).toString(),
    })
    const { access_token } = (await token.body.json()) as { access_token: string }
    const auth = { authorization: `Bearer ${access_token}` }
    const call = async (
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      path: string,
      body?: string,
      type = 'application/json',
    ) => {
      const res = await pool.request({
        method,
        path: `/services/data/${V}${path}`,
        headers: { ...auth, 'content-type': type },
        ...(body === undefined ? {} : { body }),
      })
      const text = await res.body.text()
      if (res.statusCode >= 300)
        throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`)
      return { text, headers: res.headers }
    }
    const waitJob = async (kind: 'ingest' | 'query', id: string) => {
      for (;;) {
        const info = JSON.parse((await call('GET', `/jobs/${kind}/${id}`)).text) as {
          state: string
          numberRecordsFailed?: number
        }
        if (info.state === 'JobComplete') return info
        if (info.state === 'Failed' || info.state === 'Aborted')
          throw new Error(`${kind} job ${id} ${info.state}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }

    console.log(
      `\nscale run: ${total.toLocaleString('en')} Invoice__c records through Bulk API 2.0 (emulator pid ${emu.child.pid})`,
    )
    console.log(`rss before ingest: ${rssMb()} MB`)
    const started = performance.now()
    const cpuStart = emu.cpuSeconds()
    let rssAtEnd = 0
    // A loader that splits its data into jobs and keeps JOBS_IN_FLIGHT of them open: the next
    // job is built, uploaded and closed while the emulator processes the one before, as
    // Salesforce runs a user's ingest jobs in parallel. The emulator processes both at once
    // (their chunks take turns), so it never waits for the client between jobs.
    const submit = async (from: number, n: number) => {
      const lines = ['Number__c,Amount__c,Status__c']
      for (let i = from; i < from + n; i++)
        lines.push(`INV-${i},${i % 10_000}.50,${i % 3 === 0 ? 'Paid' : 'Sent'}`)
      const job = JSON.parse(
        (
          await call(
            'POST',
            '/jobs/ingest',
            JSON.stringify({ object: 'Invoice__c', operation: 'insert' }),
          )
        ).text,
      ) as { id: string }
      await call('PUT', `/jobs/ingest/${job.id}/batches`, lines.join('\n') + '\n', 'text/csv')
      await call('PATCH', `/jobs/ingest/${job.id}`, JSON.stringify({ state: 'UploadComplete' }))
      return { id: job.id, n }
    }
    const inFlight: Promise<{ id: string; n: number }>[] = []
    let queued = 0
    for (let done = 0; done < total;) {
      while (queued < total && inFlight.length < JOBS_IN_FLIGHT) {
        const n = Math.min(JOB_ROWS, total - queued)
        inFlight.push(submit(queued, n))
        queued += n
      }
      const job = await inFlight.shift()!
      const info = await waitJob('ingest', job.id)
      if (info.numberRecordsFailed) throw new Error(`${info.numberRecordsFailed} rows failed`)
      // A finished job keeps its results until deleted, as clients do.
      if (!KEEP_JOBS) await call('DELETE', `/jobs/ingest/${job.id}`)
      done += job.n
      if (done % 1_000_000 === 0 || done === total) {
        const s = (performance.now() - started) / 1000
        rssAtEnd = rssMb()
        console.log(
          `${done.toLocaleString('en')} records: emulator rss ${rssAtEnd} MB, ${Math.round(done / s).toLocaleString('en')} rows/s so far, ${Math.round(done / (emu.cpuSeconds() - cpuStart)).toLocaleString('en')} rows per emulator CPU second, load ${loadavg()[0]!.toFixed(1)}`,
        )
      }
    }
    const ingestRate = Math.round(total / ((performance.now() - started) / 1000))
    if (process.env.BENCH_SCALE_INGEST_ONLY === '1') {
      console.log(`rss_mb_at_${countName(total)}=${rssAtEnd} ingest_rows_per_s=${ingestRate}`)
      return
    }

    const query = async (soql: string) =>
      JSON.parse((await call('GET', `/query?q=${encodeURIComponent(soql)}`)).text) as {
        totalSize: number
        records: { Id: string }[]
      }
    const timed = async (label: string, soql: (i: number) => string, runs: number) => {
      const times: number[] = []
      let size = 0
      for (let i = 0; i < runs; i++) {
        const t = performance.now()
        size = (await query(soql(i))).totalSize
        times.push(performance.now() - t)
      }
      times.sort((a, b) => a - b)
      const median = Math.round(times[Math.floor(times.length / 2)]! * 100) / 100
      console.log(`${label}: median ${median} ms over ${runs} (last answer ${size} rows)`)
      return median
    }
    const pick = (i: number) => `INV-${(i * 7919) % total}`
    const ids: string[] = []
    for (let i = 0; i < 20; i++)
      ids.push(
        (await query(`SELECT Id FROM Invoice__c WHERE Number__c = '${pick(i)}'`)).records[0]!.Id,
      )
    const byId = await timed(
      'lookup by Id (REST query)',
      (i) => `SELECT Id, Number__c FROM Invoice__c WHERE Id = '${ids[i % ids.length]}'`,
      20,
    )
    const byExt = await timed(
      'lookup by external id (REST query)',
      (i) => `SELECT Id, Amount__c FROM Invoice__c WHERE Number__c = '${pick(i + 20)}'`,
      20,
    )
    await timed(
      'selective query (Number__c IN 50 values, Status__c filter in JS)',
      (i) =>
        `SELECT Id, Number__c FROM Invoice__c WHERE Number__c IN (${Array.from({ length: 50 }, (_, k) => `'${pick(i * 50 + k)}'`).join(',')}) AND Status__c = 'Paid'`,
      5,
    )
    // OwnerId has no index key (every record has one of an org's few users): with one user,
    // `= <owner> LIMIT 200` stops after 200 rows (the full scan for a user owning none is
    // timed with the other queries below).
    const owner = (await query('SELECT OwnerId FROM Invoice__c LIMIT 1')).records[0] as unknown as {
      OwnerId: string
    }
    await timed(
      'query by OwnerId (the owner of all, LIMIT 200)',
      () => `SELECT Id FROM Invoice__c WHERE OwnerId = '${owner.OwnerId}' LIMIT 200`,
      5,
    )

    // The highest RSS while the export runs, sampled every 100 ms.
    let peak = rssMb()
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 100)
    const t = performance.now()
    const qjob = JSON.parse(
      (
        await call(
          'POST',
          '/jobs/query',
          JSON.stringify({
            operation: 'query',
            query: 'SELECT Id, Number__c, Amount__c FROM Invoice__c',
          }),
        )
      ).text,
    ) as { id: string }
    await waitJob('query', qjob.id)
    let exported = 0
    let locator = ''
    for (;;) {
      const page = await call(
        'GET',
        `/jobs/query/${qjob.id}/results?maxRecords=100000${locator ? `&locator=${locator}` : ''}`,
      )
      exported += Number(header(page.headers, 'sforce-numberofrecords'))
      const next = header(page.headers, 'sforce-locator')
      if (next === 'null') break
      locator = next
    }
    clearInterval(sampler)
    console.log(
      `full Bulk query export: ${exported.toLocaleString('en')} rows in ${Math.round(performance.now() - t)} ms, emulator rss peak ${peak} MB, after ${rssMb()} MB`,
    )
    await call('DELETE', `/jobs/query/${qjob.id}`)
    await sortedAndGroupedRun(call, rssMb, total)
    const lookup = Math.max(byId, byExt)
    console.log(
      `rss_mb_at_${countName(total)}=${rssAtEnd} ingest_rows_per_s=${ingestRate} lookup_ms=${lookup}`,
    )
  } finally {
    await pool.close()
    await emu.stop()
  }
}

type Call = (method: 'GET', path: string) => Promise<{ text: string }>

/**
 * ORDER BY over every record, paged through to the end over REST, a GROUP BY and a lookup by
 * OwnerId (not indexed: one owner holds every record), with the emulator's RSS peak while
 * each runs: sorting and grouping must not gather the records in the heap.
 */
async function sortedAndGroupedRun(call: Call, rssMb: () => number, total: number): Promise<void> {
  const query = async (path: string) =>
    JSON.parse((await call('GET', path)).text) as {
      totalSize: number
      nextRecordsUrl?: string
      records: Record<string, unknown>[]
    }
  const q = (soql: string) => `/query?q=${encodeURIComponent(soql)}`
  const peakWhile = async <T>(
    fn: () => Promise<T>,
  ): Promise<{ value: T; peak: number; ms: number }> => {
    let peak = rssMb()
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 100)
    const t = performance.now()
    try {
      const value = await fn()
      return { value, peak, ms: Math.round(performance.now() - t) }
    } finally {
      clearInterval(sampler)
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

  // Number__c (INV-<n>) sorts as text, far from insertion order; Name is empty in this data.
  const firsts: number[] = []
  let peak = 0
  let pagedMs = 0
  let seen = 0
  for (let run = 0; run < 3; run++) {
    const r = await peakWhile(async () => {
      const t = performance.now()
      let page = await query(q('SELECT Id, Number__c FROM Invoice__c ORDER BY Number__c DESC'))
      firsts.push(performance.now() - t)
      let n = page.records.length
      let last = page.records[0]?.Number__c as string
      for (const rec of page.records) {
        if ((rec.Number__c as string) > last) throw new Error('ORDER BY answered out of order')
        last = rec.Number__c as string
      }
      while (page.nextRecordsUrl) {
        page = await query(page.nextRecordsUrl.replace(/^\/services\/data\/v[\d.]+/, ''))
        for (const rec of page.records) {
          if ((rec.Number__c as string) > last) throw new Error('ORDER BY answered out of order')
          last = rec.Number__c as string
        }
        n += page.records.length
      }
      return n
    })
    seen = r.value
    peak = Math.max(peak, r.peak)
    pagedMs = r.ms
  }
  if (seen !== total) throw new Error(`ORDER BY paged ${seen} of ${total} records`)
  console.log(
    `ORDER BY Number__c DESC over ${total.toLocaleString('en')} rows: first page median ${Math.round(median(firsts))} ms, paged to the end in ${pagedMs} ms (last run), emulator rss peak ${peak} MB, after ${rssMb()} MB`,
  )
  const groups: number[] = []
  let groupPeak = 0
  for (let run = 0; run < 3; run++) {
    const r = await peakWhile(() =>
      query(
        q('SELECT Status__c, COUNT(Id) n, SUM(Amount__c) s FROM Invoice__c GROUP BY Status__c'),
      ),
    )
    groups.push(r.ms)
    groupPeak = Math.max(groupPeak, r.peak)
  }
  console.log(
    `GROUP BY Status__c (COUNT, SUM): median ${median(groups)} ms over 3, emulator rss peak ${groupPeak} MB`,
  )
  const owner = (await query(q('SELECT OwnerId FROM Invoice__c LIMIT 1'))).records[0]!.OwnerId
  const owners: number[] = []
  for (let run = 0; run < 3; run++) {
    const r = await peakWhile(() =>
      query(
        q(
          `SELECT Id FROM Invoice__c WHERE OwnerId = '005000000000000AAA' AND Id != '${String(owner)}'`,
        ),
      ),
    )
    owners.push(r.ms)
  }
  console.log(
    `lookup by OwnerId of a user who owns none (from the key): median ${median(owners)} ms over 3`,
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await scaleRun(Number(process.env.BENCH_SCALE_RECORDS ?? 1_000_000))
}
