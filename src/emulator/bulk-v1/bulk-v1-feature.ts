// Registers Bulk API 1.0 (`/services/async/`) on the emulator's server. Jobs live in memory
// per emulator, as Bulk API 2.0's do, and are forgotten on restart.

import { Timers, type BulkOptions } from '../bulk/index.js'
import type { Feature } from '../server/emulator-context.js'
import type { AsyncJob } from './async-job.js'
import { registerAsyncRoutes } from './async-routes.js'
import { BatchRunner } from './batch-runner.js'

/**
 * Records per query result set. Salesforce cuts a result set at 1 GB; the emulator cuts by
 * records, at BulkOptions.queryPageSize when given, so that tests can see several.
 */
export const DEFAULT_RESULT_SET_SIZE = 250_000

/** The Bulk API 1.0 feature, at the same pace as Bulk API 2.0's processing. */
export function createBulkV1Feature(options: BulkOptions = {}): Feature {
  return (app, ctx) => {
    const timers = new Timers(options.tickMs ?? 1, options.sliceMs)
    const jobs = new Map<string, AsyncJob>()
    const runner = new BatchRunner(
      ctx,
      timers,
      options.chunkSize ?? 500,
      options.queryPageSize ?? DEFAULT_RESULT_SET_SIZE,
    )
    registerAsyncRoutes(app, ctx, jobs, runner, ctx.bulkBatches)
    app.addHook('onClose', (_instance, done) => {
      timers.stop()
      done()
    })
  }
}
