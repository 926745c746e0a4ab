// Registers Bulk API 2.0 (ingest and query jobs) on the emulator's server. Jobs are kept in
// memory per emulator (one org), so they are forgotten on restart.

import type { Feature } from '../server/emulator-context.js'
import { sfDateTime, type IngestJob } from './ingest-job.js'
import { IngestProcessor } from './ingest-processor.js'
import { registerIngestRoutes } from './ingest-routes.js'
import type { QueryJob } from './query-job.js'
import { registerQueryRoutes } from './query-routes.js'
import { Timers } from './timers.js'

export interface BulkOptions {
  /** Ingest rows written per background tick. Default 500. */
  chunkSize?: number
  /** Milliseconds between background ticks. Default 1. */
  tickMs?: number
  /**
   * Time budget of one piece of a chunk: past it, the rest of the chunk runs on the next turn
   * of the event loop, after pending requests and Pub/Sub streams. Default 2 ms.
   */
  sliceMs?: number
  /**
   * Rows per query results page when the client sends no `maxRecords`. Default 250,000,
   * about what Salesforce answers; lower it to watch a client follow `Sforce-Locator`.
   */
  queryPageSize?: number
}

/** The Bulk API 2.0 feature with its processing pace; `bulkFeature` uses the defaults. */
export function createBulkFeature(options: BulkOptions = {}): Feature {
  const chunkSize = options.chunkSize ?? 500
  const tickMs = options.tickMs ?? 1
  return (app, ctx) => {
    const timers = new Timers(tickMs, options.sliceMs)
    const ingestJobs = new Map<string, IngestJob>()
    const queryJobs = new Map<string, QueryJob>()
    const processor = new IngestProcessor(
      ctx.org,
      timers,
      chunkSize,
      (job) => {
        job.systemModstamp = sfDateTime(ctx.now())
      },
      (n) => {
        for (let i = 0; i < n; i++) ctx.bulkBatches.count()
      },
    )
    registerIngestRoutes(app, ctx, ingestJobs, processor)
    registerQueryRoutes(app, ctx, queryJobs, timers, options.queryPageSize)
    app.addHook('onClose', (_instance, done) => {
      timers.stop()
      done()
    })
  }
}

export const bulkFeature: Feature = createBulkFeature()
