// Starts the emulator with the demo org in a child process for a benchmark, so that its work
// neither shares the measured event loop nor counts in its CPU time. The daily API limit is
// raised: a benchmark spends far more than an org's 15,000 requests.
import { spawn, type ChildProcess } from 'node:child_process'

const EMULATOR_INDEX = new URL('../src/emulator/index.ts', import.meta.url).href
const DEMO_ORG = new URL('../examples/demo-org.yaml', import.meta.url).pathname

export interface EmulatorProcess {
  url: string
  child: ChildProcess
  /** Closes the emulator and waits for the child to exit. */
  stop(): Promise<void>
}

export async function startEmulatorProcess(
  options: { latencyMs?: number } = {},
): Promise<EmulatorProcess> {
  const script = `
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
const { startEmulator } = await import(${JSON.stringify(EMULATOR_INDEX)})
const org = parse(readFileSync(${JSON.stringify(DEMO_ORG)}, 'utf8'))
org.settings = { ...org.settings, dailyApiRequests: 1000000000 }
const emulator = await startEmulator({ port: 0, org })
emulator.faults.set({ latencyMs: ${options.latencyMs ?? 0} })
process.send({ url: emulator.url })
process.on('message', () => void emulator.close().then(() => process.exit(0)))
`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url))
    child.once('exit', (code) => reject(new Error(`emulator exited with code ${code}`)))
  })
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.send('stop')
      }),
  }
}
