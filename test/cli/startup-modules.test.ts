// What the built `forcebridge` loads to start. --version and --help define the commands and load
// nothing else; `connection list` opens the store but not the server's parts. Start time is the
// point (see src/cli/main.ts); which modules load is what a test can hold without a clock.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnCli } from './fixtures/cli-process.js'

const RECORDER = pathToFileURL(join(import.meta.dirname, 'fixtures', 'record-modules.mjs')).href
const DIST = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist')).href + '/'
const dir = mkdtempSync(join(tmpdir(), 'fb-startup-'))
let runs = 0

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the built CLI on an empty home; answers its exit code and the packages and files it loaded. */
async function loaded(...args: string[]) {
  const list = join(dir, `modules-${++runs}.txt`)
  const cli = spawnCli(args, {
    FORCEBRIDGE_HOME: join(dir, `home-${runs}`),
    NODE_OPTIONS: `--import=${RECORDER}`,
    RECORD_MODULES_TO: list,
  })
  const code = await cli.exited
  const urls = readFileSync(list, 'utf8').split('\n').filter(Boolean)
  const packages = new Set(
    urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []),
  )
  const ours = urls.filter((u) => u.startsWith(DIST)).map((u) => u.slice(DIST.length))
  return { code, out: cli.out, packages, ours }
}

/** The server's parts: HTTP server, Pub/Sub client, service loader, Redis, metrics. */
const SERVER = ['fastify', '@grpc/grpc-js', 'tsx', 'ioredis', 'prom-client']

describe('forcebridge start-up', () => {
  it('loads only commander and the command definitions for --version and --help', async () => {
    for (const args of [['--version'], ['--help'], ['connection', '--help']]) {
      const run = await loaded(...args)
      expect(run.code, args.join(' ')).toBe(0)
      expect(run.out.length, args.join(' ')).toBeGreaterThan(0)
      expect([...run.packages], args.join(' ')).toEqual(['commander'])
      const beyond = run.ours.filter((f) => !/^(cli|util)\/|^runtime\/package-info\//.test(f))
      expect(beyond, args.join(' ')).toEqual([])
    }
  })

  it('opens a SQLite store for `connection list` without the server, pg or jose', async () => {
    const run = await loaded('connection', 'list')
    expect(run.code).toBe(0)
    expect(run.out.join('\n')).toMatch(/no connections/)
    // What it needs is seen loading, so what is absent was not missed.
    expect(run.packages).toContain('kysely')
    expect(run.packages).toContain('better-sqlite3')
    // Nor pg (the store is SQLite) or jose (only writing a JWT definition checks a key).
    for (const name of [...SERVER, 'pg', 'jose']) expect(run.packages, name).not.toContain(name)
    expect(run.ours).not.toContain('runtime/index.js')
  })
})
