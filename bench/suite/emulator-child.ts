// The emulator (from dist/, as `forcebridge emulator` runs it) with the demo org in a child
// process on 127.0.0.1, for the fuzz and chaos suites: a crash or a leak shows as the child's
// exit or RSS, apart from the driver's. It stops by itself when the parent goes (IPC closes).
import { spawn, type ChildProcess } from 'node:child_process'
import { rssKiB } from './process-memory.js'

const EMULATOR_INDEX = new URL('../../dist/emulator/index.js', import.meta.url).href
const DEMO_ORG = new URL('../../examples/demo-org.yaml', import.meta.url).pathname

export interface EmulatorChild {
  url: string
  /** host:port of the Pub/Sub gRPC server. */
  pubsubEndpoint: string
  orgId: string
  child: ChildProcess
  /** Live, non-deleted rows of `object` counted by the value of `field`. */
  countBy(object: string, field: string): Promise<Map<string, number>>
  /**
   * Tampers with the org behind the API's back, for tests that prove a check can fail: `remove`
   * deletes for good the live rows of `object` whose `field` is `value`; `duplicate` stores a
   * copy of one of them under a new id (past the field's unique rule). Resolves with the rows
   * touched.
   */
  plant(action: PlantAction): Promise<number>
  rssKiB(): number | undefined
  stop(): Promise<void>
}

export interface PlantAction {
  kind: 'remove' | 'duplicate'
  object: string
  field: string
  value: string
}

const SCRIPT = `
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
const { startEmulator } = await import(process.env.FB_EMULATOR_INDEX)
const org = parse(readFileSync(process.env.FB_DEMO_ORG, 'utf8'))
org.settings = { ...org.settings, dailyApiRequests: 1000000000, loginsPerUserPerHour: 1000000 }
const emulator = await startEmulator({ host: '127.0.0.1', port: 0, org, seed: Number(process.env.FB_SEED ?? 1) })
process.send({ url: emulator.url, pubsubEndpoint: emulator.pubsubEndpoint, orgId: emulator.orgId })
process.on('message', (m) => {
  if (m === 'stop') return void emulator.close().then(() => process.exit(0))
  if (m && m.countBy) {
    const counts = {}
    for (const row of emulator.org.rows(m.countBy.object)) {
      if (row.IsDeleted) continue
      const k = String(row[m.countBy.field])
      counts[k] = (counts[k] ?? 0) + 1
    }
    process.send({ counts })
  }
  if (m && m.plant) {
    const { kind, object, field, value } = m.plant
    const rows = [...emulator.org.rows(object)].filter((r) => !r.IsDeleted && String(r[field]) === value)
    const ctx = { userId: rows[0]?.OwnerId ?? rows[0]?.CreatedById }
    // hardDelete: the row is gone as if never written; insertRaw skips validation (and so the
    // unique rule) on purpose, which no API call can do.
    if (kind === 'remove') for (const r of rows) emulator.org.hardDelete(object, r.Id, ctx)
    if (kind === 'duplicate' && rows[0])
      emulator.org.insertRaw(object, { ...rows[0], Id: emulator.org.newId(rows[0].Id.slice(0, 3)) })
    process.send({ planted: kind === 'duplicate' ? Math.min(rows.length, 1) : rows.length })
  }
})
// Stops by itself when the parent goes, however it went.
process.on('disconnect', () => process.exit(0))
`

export async function startEmulatorChild(seed = 1): Promise<EmulatorChild> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: {
      ...process.env,
      FB_EMULATOR_INDEX: EMULATOR_INDEX,
      FB_DEMO_ORG: DEMO_ORG,
      FB_SEED: String(seed),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const ready = await new Promise<{ url: string; pubsubEndpoint: string; orgId: string }>(
    (resolve, reject) => {
      child.once('message', (m) =>
        resolve(m as { url: string; pubsubEndpoint: string; orgId: string }),
      )
      child.once('exit', (code) => reject(new Error(`the emulator exited at start (code ${code})`)))
    },
  )
  return {
    ...ready,
    child,
    countBy: (object, field) =>
      new Promise((resolve) => {
        child.once('message', (m) =>
          resolve(new Map(Object.entries((m as { counts: Record<string, number> }).counts))),
        )
        child.send({ countBy: { object, field } })
      }),
    plant: (action) =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve((m as { planted: number }).planted))
        child.send({ plant: action })
      }),
    rssKiB: () => rssKiB(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.send('stop')
      }),
  }
}
