// `npm run chaos`: sync and async upserts through a channel of a real runtime while the emulator
// injects faults and the runtime is SIGKILLed and restarted; prints what happened and, last,
// `lost=<n> duplicates=<n> failed_sync=<n> logins=<n>`. Exits 1 when a record was lost or
// written twice (bench/chaos/chaos-check.ts counts both).
//   npm run chaos -- --seed 3 --calls 1000 --kills 3
import { parseArgs } from 'node:util'
import { CHAOS_FAULTS, runChaosRound } from './chaos-round.js'

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    calls: { type: 'string', default: '600' },
    kills: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '6' },
  },
})
const started = Date.now()
const report = await runChaosRound({
  seed: Number(values.seed),
  calls: Number(values.calls),
  kills: Number(values.kills),
  concurrency: Number(values.concurrency),
  log: (line) => console.log(line),
})
console.log(`faults: ${JSON.stringify(CHAOS_FAULTS)}`)
console.log(
  `calls: ${report.calls} in ${((Date.now() - started) / 1000).toFixed(1)} s (sync ok ${report.sync.ok}, failed ${report.sync.failed}; async accepted ${report.async.accepted}, refused ${report.async.refused}; jobs succeeded ${report.async.succeeded}, dead ${report.async.dead}, unsettled ${report.async.unsettled})`,
)
console.log(
  `SIGKILLs: ${report.kills}; emulator requests: ${report.emulatorRequests}; jobs that took more than one attempt: ${report.jobsRetried} (an upsert by external id writes once however often it runs)`,
)
console.log('failures by kind:')
for (const [kind, n] of Object.entries(report.failuresByKind).sort((a, b) => b[1] - a[1]))
  console.log(`  ${kind}: ${n}`)
for (const l of report.lost) console.log(`lost: ${l}`)
for (const d of report.duplicates) console.log(`duplicate: ${d}`)
console.log(
  `lost=${report.lost.length} duplicates=${report.duplicates.length} failed_sync=${report.sync.failed} logins=${report.logins}`,
)
process.exit(report.lost.length > 0 || report.duplicates.length > 0 ? 1 : 0)
