// Starts the emulator with the demo org in a child process for a benchmark, so that its work
// neither shares the measured event loop nor counts in its CPU time. The daily API limit is
// raised: a benchmark spends far more than an org's 15,000 requests. `rssMb()` reads the
// child's resident memory, so a scale run measures the emulator alone.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

const EMULATOR_INDEX = new URL('../src/emulator/index.ts', import.meta.url).href
const BUILT_INDEX = new URL('../dist/emulator/index.js', import.meta.url).href
const DEMO_ORG = new URL('../examples/demo-org.yaml', import.meta.url).pathname

export interface EmulatorProcess {
  url: string
  child: ChildProcess
  /** The child's resident set size in MB (Linux: /proc/<pid>/status). */
  rssMb(): number
  /**
   * CPU seconds (user + system) the child has used: on a shared machine, rows per CPU second
   * say more than rows per wall second.
   */
  cpuSeconds(): number
  /** Closes the emulator and waits for the child to exit. */
  stop(): Promise<void>
}

export async function startEmulatorProcess(
  options: {
    latencyMs?: number
    /** Bulk processing options (chunk size, timer step) passed to startEmulator. */
    bulk?: { chunkSize?: number; tickMs?: number }
    /** Extra node flags for the child, e.g. `--cpu-prof`. */
    execArgv?: string[]
    /**
     * Run the built emulator (`dist/`, after `npm run build`) without tsx, as the CLI does:
     * its memory is then the emulator's alone, without the TypeScript loader's.
     */
    fromDist?: boolean
  } = {},
): Promise<EmulatorProcess> {
  const script = `
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
const { startEmulator } = await import(${JSON.stringify(options.fromDist === true ? BUILT_INDEX : EMULATOR_INDEX)})
const org = parse(readFileSync(${JSON.stringify(DEMO_ORG)}, 'utf8'))
org.settings = { ...org.settings, dailyApiRequests: 1000000000 }
org.settings.loginsPerUserPerHour = 1000000000
const emulator = await startEmulator({ port: 0, org, bulk: ${JSON.stringify(options.bulk ?? null)} ?? undefined })
emulator.faults.set({ latencyMs: ${options.latencyMs ?? 0} })
process.send({ url: emulator.url })
if (process.env.BENCH_MEMORY_LOG) setInterval(() => { const m = process.memoryUsage(); console.error('mem', Object.entries(m).map(([k, v]) => k + '=' + Math.round(v / 1048576)).join(' ')) }, 2000).unref()
process.on('message', () => void emulator.close().then(() => process.exit(0)))
`
  const child = spawn(
    process.execPath,
    [
      ...(options.execArgv ?? []),
      ...(options.fromDist === true ? [] : ['--import', 'tsx']),
      '--input-type=module',
      '-e',
      script,
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url))
    child.once('exit', (code) => reject(new Error(`emulator exited with code ${code}`)))
  })
  return {
    url,
    child,
    rssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN)
      return Math.round(kb / 1024)
    },
    cpuSeconds: () => {
      // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name, in ticks.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return (Number(fields[11]) + Number(fields[12])) / 100
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.send('stop')
      }),
  }
}
