// `forcebridge start` as a supervisor sees it, run as the built CLI: it exits at once when it
// cannot listen or its settings are wrong; a first start says how to make an admin user, or
// makes one from FORCEBRIDGE_ADMIN_PASSWORD; admin users made with the CLI sign in to the
// dashboard; no password shows in any output or in the store's files.
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { openStore } from '../../src/store/index.js'
import { serverUrl, spawnCli, type CliProcess } from './fixtures/cli-process.js'
import { runCli, type CliResult } from './fixtures/run-cli.js'

// Each test starts the built CLI (a few seconds to load on a busy machine) and hashes passwords
// with scrypt: more time than the suite's default, none of it a sleep.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

const dir = mkdtempSync(join(tmpdir(), 'fb-start-'))
const running: CliProcess[] = []
const results: CliResult[] = []

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()))
  rmSync(dir, { recursive: true, force: true })
})

function start(home: string, env: Record<string, string> = {}, ...args: string[]): CliProcess {
  const p = spawnCli(['start', ...args], { FORCEBRIDGE_HOME: home, FORCEBRIDGE_PORT: '0', ...env })
  running.push(p)
  return p
}

/** Runs the CLI in process (on FORCEBRIDGE_HOME of this process) and keeps what it printed. */
async function cli(...args: string[]): Promise<CliResult> {
  const r = await runCli(...args)
  results.push(r)
  return r
}

async function signIn(url: string, name: string, password: string): Promise<number> {
  return (await openSession(url, name, password)).status
}

/** Signs in; the answer's status and the session cookie it set. */
async function openSession(
  url: string,
  name: string,
  password: string,
): Promise<{ status: number; cookie: string }> {
  const res = await fetch(`${url}/admin/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  })
  await res.arrayBuffer()
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! }
}

/** What the session behind `cookie` gets from the admin API and from a dashboard page. */
async function useSession(
  url: string,
  cookie: string,
): Promise<{ api: number; message: string; page: number }> {
  const api = await fetch(`${url}/admin/api/connections`, { headers: { cookie } })
  const body = (await api.json()) as { error?: { message: string } }
  const page = await fetch(`${url}/admin/connections`, { headers: { cookie }, redirect: 'manual' })
  await page.arrayBuffer()
  return { api: api.status, message: body.error?.message ?? '', page: page.status }
}

/** Every file under `home` (the database, its WAL, the key file), as bytes. */
function storeFiles(home: string): Buffer[] {
  return readdirSync(home, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)))
}

function expectNowhere(secret: string, home: string, outputs: string[]): void {
  for (const text of outputs) expect(text).not.toContain(secret)
  for (const bytes of storeFiles(home)) expect(bytes.includes(Buffer.from(secret))).toBe(false)
}

describe('forcebridge start when it cannot run', () => {
  let blocker: Server
  let port: number

  beforeAll(async () => {
    blocker = createServer()
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok))
    port = (blocker.address() as AddressInfo).port
  })
  afterAll(() => new Promise((ok) => blocker.close(ok)))

  it('exits 1 at once, with one line, when its port is taken (start and emulator)', async () => {
    const server = start(join(dir, 'busy'), { FORCEBRIDGE_PORT: String(port) })
    const emulator = spawnCli(['emulator', '--port', String(port)], {})
    running.push(emulator)
    expect(await server.exited).toBe(1)
    expect(server.err).toEqual([
      `forcebridge: port ${port} is already in use, so the services server cannot listen; stop what uses it or set FORCEBRIDGE_PORT to another port`,
    ])
    expect(await emulator.exited).toBe(1)
    expect(emulator.err).toEqual([
      `forcebridge: port ${port} is already in use, so the emulator cannot listen; stop what uses it or set --port or FORCEBRIDGE_EMULATOR_PORT to another port`,
    ])
    // The port still belongs to the one that held it.
    expect(blocker.listening).toBe(true)
  })

  it("exits 1 with one line for a bad setting, an unusable home, or a master key other than the store's", async () => {
    const sealed = join(dir, 'sealed')
    const store = await openStore({ home: sealed, secretKey: randomBytes(32).toString('base64') })
    await store.connections.add({
      name: 'crm',
      loginUrl: 'https://acme.my.salesforce.com',
      authFlow: 'client_credentials',
      clientId: 'key',
      clientSecret: 'sealed-client-secret',
    })
    await store.close()
    // A store that holds no secret yet still knows its key: a process with another is refused.
    const unsealed = join(dir, 'unsealed')
    await (
      await openStore({ home: unsealed, secretKey: randomBytes(32).toString('base64') })
    ).close()
    const file = join(dir, 'a-file')
    writeFileSync(file, 'not a folder')

    const runs = [
      start(join(dir, 'bad-setting'), { FORCEBRIDGE_WORKER_CONCURRENCY: 'many' }),
      start(file),
      start(sealed, { FORCEBRIDGE_SECRET_KEY: randomBytes(32).toString('base64') }),
      start(join(dir, 'short'), { FORCEBRIDGE_ADMIN_PASSWORD: 'short' }),
      start(unsealed, { FORCEBRIDGE_SECRET_KEY: randomBytes(32).toString('base64') }),
    ]
    const codes = await Promise.all(runs.map((r) => r.exited))
    expect(codes).toEqual([1, 1, 1, 1, 1])
    expect(runs.map((r) => r.err)).toEqual([
      ['forcebridge: bad setting: FORCEBRIDGE_WORKER_CONCURRENCY must be a number'],
      [
        `forcebridge: cannot create the data folder ${file}; set FORCEBRIDGE_HOME to a folder you can write`,
      ],
      [
        expect.stringMatching(
          /^forcebridge: the store at \S+ was first opened with another master key, .* set FORCEBRIDGE_SECRET_KEY/,
        ),
      ],
      ['forcebridge: bad setting: FORCEBRIDGE_ADMIN_PASSWORD must be at least 8 characters'],
      [
        expect.stringMatching(
          /^forcebridge: the store at \S+ was first opened with another master key/,
        ),
      ],
    ])
  })
})

describe('forcebridge start and admin users made with the CLI', () => {
  const home = join(dir, 'home')
  const missing = join(dir, 'no-such-folder')
  const empty = join(dir, 'empty-services')
  const passwords = {
    FB_TEST_PW_1: `first-${randomBytes(6).toString('hex')}`,
    FB_TEST_PW_2: `second-${randomBytes(6).toString('hex')}`,
    FB_TEST_PW_3: `third-${randomBytes(6).toString('hex')}`,
  }
  let server: CliProcess
  let url: string

  beforeAll(async () => {
    mkdirSync(empty, { recursive: true })
    writeFileSync(join(empty, 'README.md'), 'not a service')
    Object.assign(process.env, passwords, { FORCEBRIDGE_HOME: home })
    delete process.env.FORCEBRIDGE_LOG_LEVEL
    server = start(home, {}, '--services', missing, empty)
    url = await serverUrl(server)
  })

  it('says in one line how to make the first admin user, and warns about each folder with no service', () => {
    const hints = server.err.filter((l) => l.includes('admin user'))
    expect(hints).toHaveLength(1)
    expect(JSON.parse(hints[0]!)).toMatchObject({
      level: 40,
      msg: expect.stringContaining(
        '`forcebridge admin user add <name>`, or set FORCEBRIDGE_ADMIN_PASSWORD',
      ) as string,
    })
    const warnings = server.err.map(
      (l) => JSON.parse(l) as { folder?: string; level: number; msg: string },
    )
    const about = (folder: string) =>
      warnings.filter((w) => w.folder === folder && w.level === 40).map((w) => w.msg)
    expect(about(missing)).toEqual([expect.stringMatching(/does not exist/)])
    expect(about(empty)).toEqual([expect.stringMatching(/holds no service file/)])
    // The log is on stderr only (docs/operations.md): stdout holds no JSON line.
    expect(server.err.some((l) => l.includes('forcebridge is listening'))).toBe(true)
    expect(server.out.filter((l) => l.trimStart().startsWith('{'))).toEqual([])
  })

  it('signs in with a user added, then only with its new password, and not once it is removed', async () => {
    const added = await cli('admin', 'user', 'add', 'alice', '--password-env', 'FB_TEST_PW_1')
    expect(added.code).toBe(0)
    expect(added.out).toContain("✓ admin user 'alice' added")
    const first = await openSession(url, 'alice', passwords.FB_TEST_PW_1)
    expect(first.status).toBe(200)
    expect(await useSession(url, first.cookie)).toMatchObject({ api: 200, page: 200 })
    expect(await signIn(url, 'alice', 'not-her-password')).toBe(401)

    const again = await cli('admin', 'user', 'add', 'alice', '--password-env', 'FB_TEST_PW_2')
    expect(again.code).toBe(1)
    expect(again.err).toContain("admin user 'alice' already exists; change its password with")

    expect(
      (await cli('admin', 'user', 'passwd', 'alice', '--password-env', 'FB_TEST_PW_2')).code,
    ).toBe(0)
    expect(await signIn(url, 'alice', passwords.FB_TEST_PW_1)).toBe(401)
    // The server's session from before the change ends, though the change came from another process.
    expect(await useSession(url, first.cookie)).toEqual({
      api: 401,
      message: "the password of admin user 'alice' changed after this session began; sign in again",
      page: 303,
    })
    const second = await openSession(url, 'alice', passwords.FB_TEST_PW_2)
    expect(second.status).toBe(200)
    expect(await useSession(url, second.cookie)).toMatchObject({ api: 200, page: 200 })

    const last = await cli('admin', 'user', 'remove', 'alice')
    expect(last.code).toBe(1)
    expect(last.err.trim()).toBe(
      "forcebridge: admin user 'alice' is the last one: without it nobody can sign in to the dashboard; add another first (forcebridge admin user add <name>), or remove it anyway with --force",
    )
    expect(await signIn(url, 'alice', passwords.FB_TEST_PW_2)).toBe(200)

    expect((await cli('admin', 'user', 'add', 'bob', '--password-env', 'FB_TEST_PW_3')).code).toBe(
      0,
    )
    expect((await cli('admin', 'user', 'remove', 'alice')).code).toBe(0)
    expect(await signIn(url, 'alice', passwords.FB_TEST_PW_2)).toBe(401)
    expect(await useSession(url, second.cookie)).toEqual({
      api: 401,
      message: "admin user 'alice' no longer exists; sign in as another user",
      page: 303,
    })
    expect(await signIn(url, 'bob', passwords.FB_TEST_PW_3)).toBe(200)

    const list = await cli('admin', 'user', 'list')
    expect(list.out).toMatch(/^bob\s/m)
    expect(list.out).not.toMatch(/alice/)
    const json = JSON.parse((await cli('admin', 'user', 'list', '--json')).out) as {
      name: string
    }[]
    expect(json.map((u) => u.name)).toEqual(['bob'])
  })

  it('refuses a short password, a password on the command line, and a missing variable', async () => {
    process.env.FB_TEST_SHORT = 'seven77'
    const short = await cli('admin', 'user', 'add', 'carol', '--password-env', 'FB_TEST_SHORT')
    expect(short.err.trim()).toBe(
      "forcebridge: the password of admin user 'carol' must be at least 8 characters",
    )
    const plain = await cli('admin', 'user', 'add', 'carol', '--password', 'carol-password')
    expect(plain.err).toMatch(/unknown option '--password'/)
    // No terminal in a test: without the variable it says how to give the password.
    const none = await cli('admin', 'user', 'add', 'carol')
    expect(none.err).toMatch(/no password for admin user 'carol': give it with --password-env/)
    const unknown = await cli('admin', 'user', 'passwd', 'nobody', '--password-env', 'FB_TEST_PW_1')
    expect(unknown.err).toContain("there is no admin user 'nobody'")
    for (const r of [short, plain, none, unknown]) expect(r.code).not.toBe(0)
    expect((await cli('admin', 'user', 'list', '--json')).out).not.toContain('carol')
  })

  it('audits every change as actor cli, and no password appears in any output or store file', async () => {
    const store = await openStore({ home })
    try {
      const entries = await store.audit.list({ actor: 'cli' })
      expect(entries.map((e) => `${e.action} ${e.target}`).reverse()).toEqual([
        'admin_user.create alice',
        'admin_user.password_change alice',
        'admin_user.create bob',
        'admin_user.delete alice',
      ])
    } finally {
      await store.close()
    }
    const outputs = [
      ...results.flatMap((r) => [r.out, r.err]),
      server.out.join('\n'),
      server.err.join('\n'),
    ]
    for (const pw of Object.values(passwords)) expectNowhere(pw, home, outputs)
  })
})

describe('FORCEBRIDGE_ADMIN_PASSWORD', () => {
  it('makes the first admin user at start, and never changes it at a later start', async () => {
    const home = join(dir, 'container')
    const first = `container-${randomBytes(6).toString('hex')}`
    const later = `changed-${randomBytes(6).toString('hex')}`
    const env = { FORCEBRIDGE_ADMIN_USER: 'ops' }

    const one = start(home, { ...env, FORCEBRIDGE_ADMIN_PASSWORD: first })
    const url = await serverUrl(one)
    expect(one.err.some((l) => l.includes('no admin user yet'))).toBe(false)
    expect(one.err.join('\n')).toContain(
      '"adminUser":"ops","msg":"admin user created from FORCEBRIDGE_ADMIN_PASSWORD"',
    )
    expect(await signIn(url, 'ops', first)).toBe(200)
    expect(await one.stop()).toBe(0)

    const two = start(home, { ...env, FORCEBRIDGE_ADMIN_PASSWORD: later })
    const url2 = await serverUrl(two)
    expect(two.err.join('\n')).toContain('FORCEBRIDGE_ADMIN_PASSWORD left unused')
    expect(await signIn(url2, 'ops', first)).toBe(200)
    expect(await signIn(url2, 'ops', later)).toBe(401)
    expect(await two.stop()).toBe(0)

    const outputs = [one, two].flatMap((p) => [p.out.join('\n'), p.err.join('\n')])
    for (const pw of [first, later]) expectNowhere(pw, home, outputs)
  })
})
