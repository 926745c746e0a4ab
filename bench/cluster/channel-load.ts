// Closed-loop load on the channel through the balancer: `callers` callers, each sending its next
// synchronous upsert as soon as the previous one is answered, for `seconds`. The same callers
// whatever the cluster's size, so the offered load never changes and only the capacity behind the
// balancer does.
import { Pool } from 'undici'

export interface LoadResult {
  perSecond: number
  answered: number
  /** Answers other than 200 (none expected: no node dies during this load). */
  failed: number
  /** Median time from send to answer, ms (waiting at the balancer included). */
  p50Ms: number
}

/** The channel of test/cluster/fixtures/invoice-cluster.ts: an upsert of Invoice__c by Number__c. */
export const INVOICES_PATH = '/api/invoices'

let sequence = 0

export async function driveChannel(options: {
  url: string
  apiKey: string
  callers: number
  seconds: number
  /** Prefix of the invoice numbers, so that each run writes records of its own. */
  label: string
}): Promise<LoadResult> {
  const pool = new Pool(options.url, { connections: options.callers, pipelining: 1 })
  const headers = { 'content-type': 'application/json', 'x-api-key': options.apiKey }
  const times: number[] = []
  let failed = 0
  let firstError = ''
  const started = performance.now()
  const until = started + options.seconds * 1000
  try {
    await Promise.all(
      Array.from({ length: options.callers }, async () => {
        while (performance.now() < until) {
          const n = sequence++
          const sent = performance.now()
          const res = await pool.request({
            method: 'POST',
            path: INVOICES_PATH,
            headers,
            body: JSON.stringify({ number: `${options.label}-${n}`, amount: n % 10_000 }),
          })
          const text = await res.body.text()
          times.push(performance.now() - sent)
          if (res.statusCode !== 200) {
            failed++
            firstError ||= `${res.statusCode} ${text.slice(0, 300)}`
          }
        }
      }),
    )
  } finally {
    await pool.close()
  }
  const elapsed = (performance.now() - started) / 1000
  if (failed > 0) console.error(`  ${failed} calls failed; first: ${firstError}`)
  times.sort((a, b) => a - b)
  return {
    perSecond: (times.length - failed) / elapsed,
    answered: times.length,
    failed,
    p50Ms: times[Math.floor(times.length / 2)] ?? 0,
  }
}
