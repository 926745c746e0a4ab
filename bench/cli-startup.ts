// Start-up time of the built `forcebridge` command (see src/cli/main.ts: commands import what
// their action uses only when it runs). Each measurement is one child process, timed from spawn
// to exit: `--version`, `--help`, and `connection list` on an empty SQLite home in a temp folder
// (its store is created by one run before the rounds, so the rounds measure a command as a
// script runs it again and again), beside bare Node start (`node -e ""`), the floor no CLI goes
// below. Rounds run the four back to back, so a change in the machine's load hits each alike;
// medians are printed, with each as a ratio to bare Node and its cost above it.
// BENCH_RUNS (default 15) sets the rounds; BENCH_CLI=<path of bin/forcebridge.js> measures another
// build, e.g. a worktree of an older commit, for a before/after in one sitting.
// Last line: version_ms=<n> help_ms=<n> connection_list_ms=<n> (medians).
// Run: npm run bench:cli

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const CLI = resolve(
  process.env.BENCH_CLI ?? join(import.meta.dirname, '..', 'bin', 'forcebridge.js'),
)

const home = mkdtempSync(join(tmpdir(), 'fb-bench-cli-'))
// No FORCEBRIDGE_* from the caller's shell: the home here, the default SQLite store in it.
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FORCEBRIDGE_'))),
  FORCEBRIDGE_HOME: home,
}

const CASES = [
  { name: 'node -e ""', key: 'node', args: ['-e', ''] },
  { name: '--version', key: 'version', args: [CLI, '--version'] },
  { name: '--help', key: 'help', args: [CLI, '--help'] },
  { name: 'connection list', key: 'connection_list', args: [CLI, 'connection', 'list'] },
] as const

/** Milliseconds from spawn to exit; a failed run stops the benchmark with its output. */
function run(args: readonly string[]): number {
  const start = performance.now()
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' })
  const ms = performance.now() - start
  if (r.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`)
  }
  return ms
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

try {
  console.log(`cli: ${CLI}`)
  console.log(`runs: ${RUNS} rounds, load average before: ${loadavg()[0]!.toFixed(2)}`)
  run(CASES[3].args) // creates the home's store, so every round finds it made
  const times = new Map<string, number[]>(CASES.map((c) => [c.key, []]))
  for (let i = 0; i < RUNS; i++) for (const c of CASES) times.get(c.key)!.push(run(c.args))
  const medians = new Map([...times].map(([k, v]) => [k, median(v)]))
  const node = medians.get('node')!
  console.log(
    `\n${'case'.padEnd(18)}${'median ms'.padStart(10)}${'× node'.padStart(9)}${'+ms'.padStart(8)}`,
  )
  for (const c of CASES) {
    const ms = medians.get(c.key)!
    const line = `${c.name.padEnd(18)}${ms.toFixed(0).padStart(10)}`
    console.log(
      c.key === 'node'
        ? line
        : `${line}${(ms / node).toFixed(2).padStart(9)}${(ms - node).toFixed(0).padStart(8)}`,
    )
  }
  console.log(`load average after: ${loadavg()[0]!.toFixed(2)}\n`)
  const last = ['version', 'help', 'connection_list'].map(
    (k) => `${k}_ms=${medians.get(k)!.toFixed(0)}`,
  )
  console.log(last.join(' '))
} finally {
  rmSync(home, { recursive: true, force: true })
}
