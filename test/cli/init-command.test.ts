// `forcebridge init` as a user meets it: a project made in a temporary folder, the packed
// package installed there from its tarball, then the project's own `npm test`, `npm run
// typecheck` and `npm run dev`. Also the folders and names init refuses. Needs `npm run build`.
import { execFile, spawn } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  writeFileSync,
} from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './fixtures/run-cli.js'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../..')
const dir = mkdtempSync(join(tmpdir(), 'fb-init-'))
const project = join(dir, 'my-integration')
const version = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
).version

/**
 * The environment of a user's shell: without the npm_* variables of the `npm test` that may be
 * running this file (they would steer the nested npm), nor vitest's own.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env))
    if (!/^(npm_|VITEST|NODE_ENV$|NODE_OPTIONS$)/i.test(k)) env[k] = v
  return { ...env, ...extra }
}

/** Runs a command in the project and returns its output; a failure shows both streams. */
async function inProject(cmd: string, args: string[], timeoutMs: number) {
  try {
    return await run(cmd, args, {
      cwd: project,
      env: userEnv(),
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    })
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout}\n${e.stderr}`, {
      cause: err,
    })
  }
}

// The project's node_modules is large: removing it can take long on a busy machine.
afterAll(() => rm(dir, { recursive: true, force: true }), 180_000)

describe('forcebridge init, then the project as a user runs it', () => {
  const times: Record<string, number> = {}
  const timed = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await step()
    } finally {
      times[label] = Math.round(performance.now() - started)
    }
  }

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist', 'testing', 'index.js'))) {
      throw new Error('dist/ is missing or old: run `npm run build` before this test')
    }
    // The built CLI, as `npx forcebridge init` runs it.
    const { stdout } = await timed('init', () =>
      run(process.execPath, [join(root, 'bin', 'forcebridge.js'), 'init', project], {
        cwd: dir,
        env: userEnv(),
      }),
    )
    expect(stdout).toContain('npm install')
    // dist/ is already built: the pack skips `prepare` so it does not build again.
    const packed = await timed('pack', () =>
      run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
        cwd: root,
        env: userEnv(),
      }),
    )
    const tarball = join(dir, packed.stdout.trim().split('\n').pop() ?? '')
    // Dependencies come from the npm cache (or the registry). --ignore-scripts because
    // better-sqlite3's install script first tries to download a prebuilt binary (no network
    // here) and then compiles SQLite from source: measured at 5 min 46 s on this 2-core machine.
    // Instead its compiled addon is copied from this repository's node_modules: the same version (checked
    // below) for the same Node, so the same binary. esbuild (through tsx) needs no script: its
    // binary comes in the @esbuild/<platform> package.
    await timed('install', () =>
      inProject(
        'npm',
        ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
        300_000,
      ),
    )
    const ours = realpathSync(join(root, 'node_modules', 'better-sqlite3'))
    const theirs = join(project, 'node_modules', 'better-sqlite3')
    const versionOf = (d: string) =>
      (JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { version: string }).version
    expect(versionOf(theirs), 'better-sqlite3 in the project differs from the repository').toBe(
      versionOf(ours),
    )
    // The one file `bindings` loads; the rest of build/ is compiler output.
    const addon = join('build', 'Release', 'better_sqlite3.node')
    mkdirSync(join(theirs, 'build', 'Release'), { recursive: true })
    copyFileSync(join(ours, addon), join(theirs, addon))
  }, 600_000)

  afterAll(() => {
    // Measured figures, for whoever reads the test log.
    console.log(`init project timings (ms): ${JSON.stringify(times)}`)
  })

  it('writes the project files, depending on this version of forcebridge', () => {
    const files = readdirSync(project, { recursive: true, encoding: 'utf8' })
      .filter((f) => !f.startsWith('node_modules'))
      .sort()
    expect(files).toEqual(
      expect.arrayContaining([
        '.env.example',
        '.gitignore',
        'README.md',
        'forcebridge.yaml',
        'package.json',
        'services/campaign-create.ts',
        'test/campaign-create.test.ts',
        'tsconfig.json',
      ]),
    )
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
      private: boolean
      type: string
      scripts: Record<string, string>
    }
    expect(manifest).toMatchObject({ private: true, type: 'module' })
    expect(manifest.scripts.dev).toBe('forcebridge dev --services services')
    expect(readFileSync(join(project, '.gitignore'), 'utf8').split('\n')).toEqual(
      expect.arrayContaining(['node_modules/', '.forcebridge/', '.env']),
    )
    // Secrets in the config file are references to the variables .env.example lists.
    const config = readFileSync(join(project, 'forcebridge.yaml'), 'utf8')
    const values = config
      .split('\n')
      .filter((l) => !l.trim().startsWith('#'))
      .join('\n')
    const refs = [...values.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1])
    expect(refs.length).toBeGreaterThan(0)
    const example = readFileSync(join(project, '.env.example'), 'utf8')
    for (const ref of refs) expect(example).toContain(`${ref}=`)
  })

  it('installs forcebridge from the tarball at the version init named', () => {
    const installed = JSON.parse(
      readFileSync(join(project, 'node_modules', 'forcebridge', 'package.json'), 'utf8'),
    ) as { version: string }
    expect(installed.version).toBe(version)
  })

  it('passes its own npm test: the example service against the embedded emulator', async () => {
    const { stdout } = await timed('npm test', () => inProject('npm', ['test'], 180_000))
    expect(stdout).toMatch(/^# pass 2$/m)
    expect(stdout).toMatch(/^# fail 0$/m)
  }, 200_000)

  it('type-checks its service and test against the published types', async () => {
    await timed('typecheck', () => inProject('npm', ['run', 'typecheck'], 120_000))
  }, 130_000)

  it('starts the emulator and its services with npm run dev, and stops on SIGTERM', async () => {
    const started = performance.now()
    const child = spawn('npm', ['run', 'dev'], {
      cwd: project,
      env: userEnv({
        FORCEBRIDGE_PORT: '0',
        FORCEBRIDGE_EMULATOR_PORT: '0',
        FORCEBRIDGE_HOME: join(dir, 'dev-home'),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, signalled as a whole as a terminal's Ctrl-C or systemd does
      // (npm itself does not pass a SIGTERM it receives on to the script it runs).
      detached: true,
    })
    let out = ''
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    // 'close' waits for every holder of the pipes: npm and the forcebridge process it runs.
    const closed = new Promise<void>((ok) => child.once('close', () => ok()))
    let server: string | undefined
    try {
      await new Promise<void>((ok, fail) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString()
          if (out.includes('Press Ctrl-C')) ok()
        })
        void closed.then(() => fail(new Error(`npm run dev stopped early:\n${out}\n${err}`)))
      })
      times['dev until banner'] = Math.round(performance.now() - started)
      expect(err).toContain('services/campaign-create.ts')
      // The banner's second command calls the project's own service on the demo channel.
      server = /services:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
      const key = /X-API-Key: (\S+)'/.exec(out)?.[1]
      const res = await fetch(`${server}/api/campaigns`, {
        method: 'POST',
        headers: { 'x-api-key': key ?? '', 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'From dev', segment: 'SMB' }),
      })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { id: string }).id).toMatch(/^701/)
      process.kill(-(child.pid ?? 0), 'SIGTERM')
      await closed
    } finally {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {
          // The group is gone: everything in it has stopped.
        }
      }
    }
    expect(err).toContain('SIGTERM: shutting down')
    await expect(fetch(`${server}/healthz`)).rejects.toThrow()
  }, 120_000)
})

describe('forcebridge init refuses', () => {
  it('a folder that is not empty, and with --force keeps the files already there', async () => {
    const folder = join(dir, 'busy')
    mkdirSync(folder)
    writeFileSync(join(folder, 'README.md'), 'mine\n')
    const refused = await runCli('init', folder)
    expect(refused.code).toBe(1)
    expect(refused.err).toContain(`${folder} is not empty (README.md); pick a new folder`)
    expect(readdirSync(folder)).toEqual(['README.md'])

    const forced = await runCli('init', folder, '--force')
    expect(forced.code).toBe(0)
    expect(forced.out).toMatch(/Kept \(already there, not overwritten\):\n {2}README\.md/)
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toBe('mine\n')
    expect(existsSync(join(folder, 'services', 'campaign-create.ts'))).toBe(true)
  })

  it('a folder whose name is not a package name, unless --name gives one', async () => {
    const folder = join(dir, 'My Project')
    const refused = await runCli('init', folder)
    expect(refused.code).toBe(1)
    expect(refused.err).toContain("the folder name 'My Project' is not a valid npm package name")
    expect(existsSync(folder)).toBe(false)

    const named = await runCli('init', folder, '--name', 'my-project')
    expect(named.code).toBe(0)
    expect(named.out).toContain('cd ')
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      name: string
      dependencies: Record<string, string>
    }
    expect(manifest.name).toBe('my-project')
    expect(manifest.dependencies.forcebridge).toBe(`^${version}`)
  })

  it('a bad --name, and a path that is a file', async () => {
    const bad = await runCli('init', join(dir, 'x'), '--name', '_hidden')
    expect(bad.err).toContain("--name '_hidden' is not a valid npm package name")
    const file = join(dir, 'a-file')
    writeFileSync(file, '')
    const onFile = await runCli('init', file)
    expect(onFile.code).toBe(1)
    expect(onFile.err).toContain(`${file} is a file, not a folder`)
  })
})
