// Reads a V8 CPU profile (`node --cpu-prof`, or BENCH_CPU_PROF=<folder> npm run bench:runtime)
// and prints where the time went: self time by file or package and by function, and inclusive
// time by function (each function counted once per sample, so recursion does not inflate it).
// With --requests N (the requests served while profiling) each row also says µs per request.
// `(idle)`, `(program)` and `(garbage collector)` are V8's own entries.
// Run: npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [--rows 30] [--requests N]
//      [--only <substring of a function or file, for the inclusive table>]
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rows: { type: 'string' }, requests: { type: 'string' }, only: { type: 'string' } },
})
const file = positionals[0]
if (!file) {
  console.error(
    'usage: tsx bench/cpu-profile-summary.ts <file.cpuprofile> [--rows N] [--requests N] [--only text]',
  )
  process.exit(2)
}
const rows = Number(values.rows ?? 30)
const requests = values.requests ? Number(values.requests) : undefined
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

/** `<package>` for dependencies, the path under the repository for our files, else the URL. */
function place(url: string): string {
  if (!url) return '(native)'
  const modules = url.lastIndexOf('node_modules/')
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/')
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url)
  }
  if (url.startsWith('node:')) return url
  const ours = url.search(/\/(src|dist|bench|examples)\//)
  return ours >= 0 ? url.slice(ours + 1).replace(/\?.*$/, '') : url
}

function label(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame
  return `${functionName || '(anonymous)'} ${place(url)}:${lineNumber + 1}`
}

const self = new Map<string, number>()
const selfByPlace = new Map<string, number>()
const total = new Map<string, number>()
let all = 0
let idle = 0
for (const [i, id] of profile.samples.entries()) {
  const dt = profile.timeDeltas[i] ?? 0
  const node = byId.get(id)
  if (!node) continue
  all += dt
  if (node.callFrame.functionName === '(idle)') idle += dt
  const l = label(node)
  self.set(l, (self.get(l) ?? 0) + dt)
  const where = place(node.callFrame.url)
  selfByPlace.set(where, (selfByPlace.get(where) ?? 0) + dt)
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const n = byId.get(at)
    if (!n) break
    const key = label(n)
    if (seen.has(key)) continue
    seen.add(key)
    total.set(key, (total.get(key) ?? 0) + dt)
  }
}
const busy = all - idle

function print(title: string, map: Map<string, number>, only?: string): void {
  console.log(`\n${title}`)
  const entries = [...map]
    .filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)'))
    .filter(([k]) => !only || k.includes(only))
    .sort((a, b) => b[1] - a[1])
  for (const [key, us] of entries.slice(0, rows)) {
    const share = `${((us / busy) * 100).toFixed(1).padStart(5)}%`
    const perRequest = requests ? `${(us / requests).toFixed(1).padStart(7)} µs/req` : ''
    console.log(`${share} ${(us / 1000).toFixed(0).padStart(7)} ms ${perRequest}  ${key}`)
  }
}

console.log(
  `${file}: ${(all / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (shares below are of busy time)` +
    (requests ? `, ${(busy / requests || 0).toFixed(1)} µs busy per request` : ''),
)
print('self time by file or package', selfByPlace)
print('self time by function', self)
print(
  `inclusive time by function${values.only ? ` (matching '${values.only}')` : ''}`,
  total,
  values.only,
)
