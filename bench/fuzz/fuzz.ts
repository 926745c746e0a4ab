// `npm run fuzz`: a seeded fuzz round against the runtime (channels, admin API, dashboard) and
// the emulator (REST, OAuth, Bulk, SOAP, Pub/Sub), printing each unexpected 5xx with a
// reproducer, crashes, hangs and memory growth. Exits 1 when any of those was found.
//   npm run fuzz -- --seed 7 --count 20000 --target emulator
//   npm run fuzz -- --seconds 120
import { parseArgs } from 'node:util'
import { FUZZ_EXCEPTIONS } from './fuzz-exceptions.js'
import { runFuzzRound, type FuzzTarget } from './fuzz-round.js'

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string' },
    seconds: { type: 'string' },
    target: { type: 'string', default: 'all' },
    concurrency: { type: 'string', default: '8' },
    'timeout-ms': { type: 'string', default: '15000' },
  },
})
const target = values.target as FuzzTarget
if (!['all', 'runtime', 'emulator', 'grpc'].includes(target)) {
  console.error('--target must be all, runtime, emulator or grpc')
  process.exit(2)
}
const started = Date.now()
const report = await runFuzzRound({
  seed: Number(values.seed),
  count: values.count ? Number(values.count) : undefined,
  seconds: values.seconds ? Number(values.seconds) : undefined,
  target,
  concurrency: Number(values.concurrency),
  timeoutMs: Number(values['timeout-ms']),
  log: (line) => console.log(line),
})
const kib = (m: { before: number; after: number }) =>
  `${Math.round(m.before / 1024)} → ${Math.round(m.after / 1024)} MiB (${m.after >= m.before ? '+' : ''}${Math.round((m.after - m.before) / 1024)})`
console.log(
  `seed ${values.seed}, target ${target}: ${report.sent} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`,
)
console.log(`by target: ${JSON.stringify(report.byTarget)}`)
console.log(`by status: ${JSON.stringify(report.byStatus)}`)
for (const e of FUZZ_EXCEPTIONS)
  console.log(`documented 5xx ${e.name}: ${report.documented[e.name] ?? 0} (${e.reason})`)
console.log(
  `memory: runtime ${kib(report.memoryKiB.runtime)}, emulator ${kib(report.memoryKiB.emulator)}`,
)
for (const c of report.crashes) console.log(`crash: ${c}`)
console.log(
  `crashes=${report.crashes.length} hangs=${report.hangs.length} unexpected_5xx=${report.serverErrors.length}`,
)
process.exit(report.crashes.length + report.hangs.length + report.serverErrors.length > 0 ? 1 : 0)
