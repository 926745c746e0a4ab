// An emulator without a data folder keeps its org and query results in temporary folders.
// A clean close removes them; an emulator killed with SIGKILL cannot, and the next emulator
// to start removes what it left (its records file may be gigabytes).

import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'

const EMULATOR_INDEX = new URL('../../src/emulator/index.ts', import.meta.url).href
const PREFIXES = ['forcebridge-org-', 'forcebridge-results-']

/** The temporary folders of the emulator running in process `pid`. */
function foldersOf(pid: number): string[] {
  return readdirSync(tmpdir())
    .filter((name) => PREFIXES.some((p) => name.startsWith(`${p}${pid}@`)))
    .map((name) => join(tmpdir(), name))
}

let emulator: EmulatorHandle | undefined
afterEach(async () => {
  await emulator?.close()
  emulator = undefined
})

describe('temporary folders of an emulator without a data folder', () => {
  it('are removed at close, and those of a killed emulator by the next one to start', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import(${JSON.stringify(EMULATOR_INDEX)}).then(async ({ startEmulator }) => {
          await startEmulator({ port: 0 })
          process.send('up')
        })`,
      ],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    )
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve())
      child.once('exit', (code) => reject(new Error(`the emulator exited with code ${code}`)))
    })
    const left = foldersOf(child.pid!)
    expect(left).toHaveLength(2)
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    await exited
    expect(left.every((f) => existsSync(f))).toBe(true)

    emulator = await startEmulator({ port: 0 })
    expect(left.filter((f) => existsSync(f))).toEqual([])
    const own = foldersOf(process.pid)
    expect(own.length).toBeGreaterThanOrEqual(2)
    await emulator.close()
    emulator = undefined
    expect(own.filter((f) => existsSync(f))).toEqual([])
  })
})
