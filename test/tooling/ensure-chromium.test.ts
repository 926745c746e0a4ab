// scripts/ensure-chromium.mjs as `npm test` runs it (its pretest step): a real child process that
// finds the Chromium the browser tests use, or stops with one line saying how to get one, and on
// Debian as root installs the package with apt-get (here a stand-in apt-get on PATH).
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { chromiumPath } from '../browser/chromium-path.js'

const SCRIPT = resolve(import.meta.dirname, '../../scripts/ensure-chromium.mjs')
const folders: string[] = []

function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fb-chromium-'))
  folders.push(dir)
  return dir
}

/** Runs the script with exactly this environment (no inherited PATH unless given). */
function run(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [SCRIPT], { env, encoding: 'utf8' })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '')
}

afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('ensure-chromium script', () => {
  it('succeeds with the Chromium named by FORCEBRIDGE_CHROMIUM, printing its path', () => {
    const path = chromiumPath()
    const result = run({ FORCEBRIDGE_CHROMIUM: path, FORCEBRIDGE_CHROMIUM_CANDIDATES: '' })
    expect(result.status).toBe(0)
    expect(result.stdout.trim()).toBe(`browser tests: Chromium at ${path}`)
  })

  it('takes CHROME_PATH when FORCEBRIDGE_CHROMIUM is not set', () => {
    const result = run({ CHROME_PATH: chromiumPath(), FORCEBRIDGE_CHROMIUM_CANDIDATES: '' })
    expect(result.status).toBe(0)
    expect(result.stdout).toContain(chromiumPath())
  })

  it('fails with one line when FORCEBRIDGE_CHROMIUM names no executable', () => {
    const result = run({ FORCEBRIDGE_CHROMIUM: '/nonexistent/chromium' })
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(lines(result.stderr)).toEqual([
      'browser tests: FORCEBRIDGE_CHROMIUM=/nonexistent/chromium is not an executable file; point it at a Chromium or Chrome executable, or unset it to look in the usual places',
    ])
  })

  it('refuses a FORCEBRIDGE_CHROMIUM that is a file but not executable', () => {
    const file = join(tempFolder(), 'chromium')
    writeFileSync(file, 'not a browser')
    const result = run({ FORCEBRIDGE_CHROMIUM: file })
    expect(result.status).toBe(1)
    expect(lines(result.stderr)).toHaveLength(1)
    expect(result.stderr).toContain(`FORCEBRIDGE_CHROMIUM=${file} is not an executable file`)
  })

  it('finds the first usual location that holds an executable', () => {
    const dir = tempFolder()
    const browser = join(dir, 'chromium-browser')
    writeFileSync(browser, '#!/bin/sh\n')
    chmodSync(browser, 0o755)
    const result = run({ FORCEBRIDGE_CHROMIUM_CANDIDATES: `${join(dir, 'chromium')}:${browser}` })
    expect(result.status).toBe(0)
    expect(result.stdout.trim()).toBe(`browser tests: Chromium at ${browser}`)
  })

  it('fails with one line saying how to install one when none is found and apt-get is absent', () => {
    const result = run({
      FORCEBRIDGE_CHROMIUM_CANDIDATES: '/nonexistent/chromium',
      PATH: tempFolder(),
    })
    expect(result.status).toBe(1)
    expect(lines(result.stderr)).toEqual([
      'browser tests: no Chromium found; install it (Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium) or set FORCEBRIDGE_CHROMIUM to the path of a Chromium or Chrome executable',
    ])
  })

  // apt-get is used only by root; as another user the script never reaches it.
  it.runIf(process.getuid?.() === 0)(
    'as root with apt-get on PATH, installs the chromium package quietly, saying so in one line',
    () => {
      const bin = tempFolder()
      const installed = join(tempFolder(), 'chromium')
      const calls = join(bin, 'calls.log')
      // A stand-in apt-get: records each call and its DEBIAN_FRONTEND, and "installs" by
      // writing an executable where the script looks.
      writeFileSync(
        join(bin, 'apt-get'),
        [
          '#!/bin/sh',
          `echo "$DEBIAN_FRONTEND $*" >> ${calls}`,
          `if [ "$1" = install ]; then printf '#!/bin/sh\\n' > ${installed}; chmod 755 ${installed}; fi`,
        ].join('\n') + '\n',
      )
      chmodSync(join(bin, 'apt-get'), 0o755)
      const result = run({
        FORCEBRIDGE_CHROMIUM_CANDIDATES: installed,
        PATH: `${bin}:/bin:/usr/bin`,
      })
      expect(result.stderr).toBe('')
      expect(result.status).toBe(0)
      expect(lines(result.stdout)).toEqual([
        'browser tests: no Chromium found; installing the Debian package chromium with apt-get (once)',
        `browser tests: Chromium at ${installed}`,
      ])
      expect(lines(readFileSync(calls, 'utf8'))).toEqual([
        'noninteractive update -qq',
        'noninteractive install -y -qq chromium',
      ])
    },
  )

  it.runIf(process.getuid?.() === 0)('names the apt-get step that failed, in one line', () => {
    const bin = tempFolder()
    writeFileSync(join(bin, 'apt-get'), '#!/bin/sh\necho "E: Could not get lock" >&2\nexit 100\n')
    chmodSync(join(bin, 'apt-get'), 0o755)
    const result = run({
      FORCEBRIDGE_CHROMIUM_CANDIDATES: '/nonexistent/chromium',
      PATH: `${bin}:/bin:/usr/bin`,
    })
    expect(result.status).toBe(1)
    expect(lines(result.stderr)).toEqual([
      'browser tests: apt-get update -qq failed (E: Could not get lock); install it (Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium) or set FORCEBRIDGE_CHROMIUM to the path of a Chromium or Chrome executable',
    ])
  })
})
