// Finds the Chromium the browser tests drive, installing Debian's package when it can. Vitest
// runs it as a globalSetup (vitest.config.ts); `node scripts/ensure-chromium.mjs` runs it alone.
import { spawnSync } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Usual install locations, in the order they are tried after the environment variables. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
]

const HOW_TO_INSTALL =
  'install it (Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium) ' +
  'or set FORCEBRIDGE_CHROMIUM to the path of a Chromium or Chrome executable'

function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** FORCEBRIDGE_CHROMIUM_CANDIDATES replaces the usual locations; the tests of this script use it. */
function candidatesFrom(env) {
  const listed = env.FORCEBRIDGE_CHROMIUM_CANDIDATES
  return listed === undefined ? CHROMIUM_CANDIDATES : listed.split(delimiter).filter(Boolean)
}

/**
 * The Chromium to use: FORCEBRIDGE_CHROMIUM, then CHROME_PATH, then the usual locations.
 * A variable that names no executable is an error rather than a reason to look elsewhere: the
 * user asked for that browser.
 * @returns {{ path: string } | { error: string } | { missing: true }}
 */
export function findChromium(env = process.env) {
  for (const name of ['FORCEBRIDGE_CHROMIUM', 'CHROME_PATH']) {
    const value = env[name]
    if (value === undefined || value === '') continue
    if (isExecutableFile(value)) return { path: value }
    return {
      error: `${name}=${value} is not an executable file; point it at a Chromium or Chrome executable, or unset it to look in the usual places`,
    }
  }
  const found = candidatesFrom(env).find(isExecutableFile)
  return found === undefined ? { missing: true } : { path: found }
}

function onPath(command, env) {
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => isExecutableFile(join(dir, command)))
}

/** Debian's apt-get can install packages here: we are root and apt-get is on PATH. */
function canUseApt(env) {
  return process.platform === 'linux' && process.getuid?.() === 0 && onPath('apt-get', env)
}

function runApt(args, env) {
  const result = spawnSync('apt-get', args, {
    env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (result.status === 0) return undefined
  const detail = (result.stderr || result.stdout || String(result.error ?? '')).trim().split('\n')
  return `apt-get ${args.join(' ')} failed (${detail.at(-1) ?? `exit ${result.status}`})`
}

/**
 * Finds Chromium, or installs Debian's `chromium` package when apt-get can be used, and returns
 * its path. Throws an Error whose message is one line saying how to get one.
 */
export function ensureChromium(env = process.env, log = (line) => console.log(line)) {
  const first = findChromium(env)
  if ('path' in first) return first.path
  if ('error' in first) throw new Error(`browser tests: ${first.error}`)
  if (!canUseApt(env)) throw new Error(`browser tests: no Chromium found; ${HOW_TO_INSTALL}`)

  log(
    'browser tests: no Chromium found; installing the Debian package chromium with apt-get (once)',
  )
  const failure =
    runApt(['update', '-qq'], env) ?? runApt(['install', '-y', '-qq', 'chromium'], env)
  if (failure !== undefined) throw new Error(`browser tests: ${failure}; ${HOW_TO_INSTALL}`)
  const after = findChromium(env)
  if ('path' in after) return after.path
  throw new Error(
    `browser tests: apt-get installed chromium but no executable was found; ${HOW_TO_INSTALL}`,
  )
}

/**
 * Vitest's globalSetup: runs once before any test file. It hands the path to the tests with
 * `provide` (read by test/browser/chromium-path.ts) and in the environment for child processes,
 * or stops the run at once, before any test, when there is no Chromium.
 */
export function setup(project) {
  let path
  try {
    path = ensureChromium()
  } catch (error) {
    // One line, not a stack trace: the message says what to do.
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
  process.env.FORCEBRIDGE_CHROMIUM = path
  project.provide('chromiumPath', path)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(`browser tests: Chromium at ${ensureChromium()}`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
}
