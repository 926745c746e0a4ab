// `forcebridge connection authorize` as a user runs it: the built CLI in its own process, the
// emulator's login and consent pages in Chromium, Salesforce's redirect to a loopback port.
import { spawn, type ChildProcess } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { openBrowserPage, type BrowserPage } from '../admin/browser-fixture.js'

const BIN = resolve(import.meta.dirname, '../../bin/forcebridge.js')
const USER = { username: 'owner@example.com', password: 'Owner-pw1', firstName: 'Olga' }
const dir = mkdtempSync(join(tmpdir(), 'fb-authorize-'))
const home = join(dir, 'home')
let emu: EmulatorHandle
let store: Store
let web: BrowserPage
/** The callback port registered on the apps (a free one, found before the emulator starts). */
let port: number

async function listening(server: Server, at = 0): Promise<number> {
  await new Promise<void>((ok) => server.listen(at, '127.0.0.1', ok))
  return (server.address() as { port: number }).port
}

async function freePort(): Promise<number> {
  const server = createServer()
  const free = await listening(server)
  await new Promise((ok) => server.close(ok))
  return free
}

beforeAll(async () => {
  port = await freePort()
  const callbackUrls = [`http://localhost:${port}/OauthRedirect`]
  emu = await startEmulator({
    org: {
      users: [{ ...USER, lastName: 'Owner' }],
      connectedApps: [
        {
          // An External Client App with PKCE: no secret needed, refresh tokens rotate.
          name: 'CLI App',
          consumerKey: 'cli-app',
          consumerSecret: 'cli-app-secret',
          flows: ['authorization_code', 'refresh_token'],
          callbackUrls,
          refreshTokenRotation: true,
        },
        {
          // A classic connected app: the web-server flow needs the secret.
          name: 'Classic App',
          consumerKey: 'classic-app',
          consumerSecret: 'classic-app-secret',
          flows: ['password', 'authorization_code', 'refresh_token'],
          callbackUrls,
          requireSecretForWebServerFlow: true,
        },
      ],
    },
  })
  // Held open through the suite: the CLI's writes then stay in the -wal file to be read.
  store = await openStore({ home })
  web = await openBrowserPage()
  // The page waits on the CLI's answer, and a CLI process takes seconds to start on a busy machine.
  web.page.setDefaultTimeout(30_000)
})

afterAll(async () => {
  await web?.browser.close()
  await store?.close()
  await emu?.close()
  rmSync(dir, { recursive: true, force: true })
})

interface Running {
  child: ChildProcess
  out: () => string
  err: () => string
  /** The exit code (null when killed by a signal). */
  exit: Promise<number | null>
  /** The authorize URL, once printed. */
  url: () => Promise<string>
}

function start(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, FORCEBRIDGE_HOME: home, FORCEBRIDGE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => (err += c.toString()))
  const exit = new Promise<number | null>((ok) => child.on('close', (code) => ok(code)))
  let ended = false
  void exit.then(() => (ended = true))
  const url = async () => {
    let found: string | undefined
    await vi.waitFor(
      () => {
        found = /^\s+(http\S+\/services\/oauth2\/authorize\?\S+)$/m.exec(out)?.[1]
        if (!found && ended) throw new Error(`the CLI ended without a URL:\n${out}\n${err}`)
        expect(found).toBeDefined()
      },
      { timeout: 30_000, interval: 50 },
    )
    return found!
  }
  return { child, out: () => out, err: () => err, exit, url }
}

async function run(...args: string[]) {
  const cli = start(args)
  const code = await cli.exit
  return { code, out: cli.out(), err: cli.err() }
}

const authorizeArgs = (name: string, ...more: string[]) => [
  'connection',
  'authorize',
  name,
  '--callback-port',
  String(port),
  '--timeout',
  '60',
  ...more,
]

/** Logs in on the emulator's page and answers its consent page. */
async function consent(url: string, button: 'Allow' | 'Deny'): Promise<string> {
  const { page } = web
  await page.goto(url)
  await page.fill('#username', USER.username)
  await page.fill('#password', USER.password)
  await page.click('#Login')
  await page.getByText('Allow Access?').waitFor()
  await page.click(button === 'Allow' ? '#oaapprove' : '#oadeny')
  await page.waitForURL(`http://localhost:${port}/OauthRedirect?**`)
  return (await page.textContent('body')) ?? ''
}

/** Everything in the data folder (database, -wal, -shm, key), as bytes read as latin1. */
function storeFiles(): Map<string, string> {
  return new Map(
    readdirSync(home).map((f) => [f, readFileSync(join(home, f)).toString('latin1')] as const),
  )
}

function expectNoTokens(texts: string[], tokens: string[]) {
  const accessPrefix = `${emu.orgId.slice(0, 15)}!`
  for (const text of texts) {
    for (const token of tokens) expect(text).not.toContain(token)
    expect(text).not.toContain('5Aep861') // the shape of every refresh token
    expect(text).not.toContain(accessPrefix) // the shape of every access token
  }
}

// Each test starts the CLI two or three times (a few seconds each when the machine is busy).
describe('forcebridge connection authorize', { timeout: 90_000 }, () => {
  it('authorises a new connection in the browser, stores the refresh token sealed and pings it', async () => {
    // The patterns checked below are the emulator's token shapes.
    expect(emu.issueRefreshToken(USER.username, 'cli-app')).toMatch(/^5Aep861/)
    const cli = start([
      ...authorizeArgs('Org', '--login-url', emu.url, '--client-id', 'cli-app'),
      '--no-browser',
    ])
    const url = new URL(await cli.url())
    expect(url.origin).toBe(emu.url)
    expect(url.searchParams.get('redirect_uri')).toBe(`http://localhost:${port}/OauthRedirect`)
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('scope')).toBe('api refresh_token')

    const page = await consent(url.toString(), 'Allow')
    expect(page).toContain("forcebridge connection 'Org' is authorised as owner@example.com")
    expect(page).toContain('You can close this window')
    expect(await cli.exit).toBe(0)
    expect(cli.out()).toContain('✓ login: got a token')
    expect(cli.out()).toMatch(/✓ authorised as owner@example\.com \(Olga Owner\) in org 00D\w+/)

    const info = await store.connections.get('Org')
    expect(info).toMatchObject({
      authFlow: 'refresh_token',
      loginUrl: emu.url,
      clientId: 'cli-app',
      username: USER.username,
    })
    expect(info.secrets).toMatchObject({ refreshToken: true, clientSecret: false })
    // Refresh tokens rotate on this app: the ping's login kept the new one, so a second works.
    const ping = await run('connection', 'ping', 'Org')
    expect(ping.code).toBe(0)
    expect(ping.out).toMatch(/✓ authenticated call/)

    const { refreshToken } = await store.connections.credentials('Org')
    const files = storeFiles()
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['forcebridge.db', 'forcebridge.db-wal']),
    )
    expectNoTokens([cli.out(), cli.err(), ping.out, ping.err, ...files.values()], [refreshToken!])
  })

  it('switches an existing connection to the refresh_token flow, reusing its login URL, consumer key and secret', async () => {
    const add = start(
      [
        'connection',
        'add',
        'Legacy',
        '--flow',
        'password',
        '--login-url',
        emu.url,
        '--api-version',
        '62.0',
        '--username',
        USER.username,
        '--client-id',
        'classic-app',
        '--password-env',
        'FB_PW',
        '--client-secret-env',
        'FB_SECRET',
        '--no-prompt',
      ],
      { FB_PW: USER.password, FB_SECRET: 'classic-app-secret' },
    )
    expect(await add.exit).toBe(0)

    const cli = start([...authorizeArgs('Legacy'), '--no-browser'])
    const url = new URL(await cli.url())
    expect(url.origin).toBe(emu.url)
    expect(url.searchParams.get('client_id')).toBe('classic-app')
    await consent(url.toString(), 'Allow')
    // The app refuses a code exchange without its secret: the stored one was sent.
    expect(await cli.exit).toBe(0)
    const info = await store.connections.get('Legacy')
    expect(info).toMatchObject({
      authFlow: 'refresh_token',
      apiVersion: '62.0',
      username: USER.username,
    })
    expect(info.secrets).toMatchObject({ refreshToken: true, clientSecret: true })
  })

  it('opens the URL with xdg-open, and stores nothing when the user clicks Deny', async () => {
    // A stand-in xdg-open on the PATH that notes the URL it was asked to open.
    const bin = join(dir, 'bin')
    const opened = join(dir, 'opened-url')
    mkdirSync(bin)
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > "${opened}"\n`)
    chmodSync(join(bin, 'xdg-open'), 0o755)

    const cli = start(authorizeArgs('Denied', '--login-url', emu.url, '--client-id', 'cli-app'), {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      DISPLAY: ':99',
    })
    const printed = await cli.url()
    await vi.waitFor(() => expect(existsSync(opened)).toBe(true), { timeout: 10_000 })
    expect(readFileSync(opened, 'utf8')).toBe(printed)

    const page = await consent(printed, 'Deny')
    expect(page).toContain('access was denied')
    expect(await cli.exit).toBe(1)
    expect(cli.err()).toMatch(
      /forcebridge: connection 'Denied': access was denied in the browser \(end-user denied authorization\); run the command again and click Allow\. Nothing was stored\./,
    )
    expect(await store.connections.find('Denied')).toBeUndefined()
  })

  it('refuses a callback with a forged state, and reports an OAuth error from the callback', async () => {
    const forged = start([
      ...authorizeArgs('Forged', '--login-url', emu.url, '--client-id', 'cli-app'),
      '--no-browser',
    ])
    await forged.url()
    const res = await fetch(`http://127.0.0.1:${port}/OauthRedirect?code=stolen&state=guessed`)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('does not match')
    expect(await forged.exit).toBe(1)
    expect(forged.err()).toContain('a state that does not match the one forcebridge sent')

    const failing = start([
      ...authorizeArgs('Forged', '--login-url', emu.url, '--client-id', 'cli-app'),
      '--no-browser',
    ])
    const state = new URL(await failing.url()).searchParams.get('state')!
    const query = new URLSearchParams({
      error: 'invalid_scope',
      error_description: 'the requested scope is not allowed',
      state,
    })
    await fetch(`http://127.0.0.1:${port}/OauthRedirect?${query.toString()}`)
    expect(await failing.exit).toBe(1)
    expect(failing.err()).toContain(
      'Salesforce answered invalid_scope (the requested scope is not allowed); check the connected app',
    )
    expect(await store.connections.find('Forged')).toBeUndefined()
  })

  it('says what to do when the callback port is busy, the consumer key is missing or the scope has no refresh_token', async () => {
    const busy = createServer()
    const taken = await listening(busy)
    try {
      const res = await run(
        'connection',
        'authorize',
        'Busy',
        '--client-id',
        'cli-app',
        '--callback-port',
        String(taken),
        '--no-browser',
      )
      expect(res.code).toBe(1)
      expect(res.err).toContain(
        `cannot receive the OAuth callback on 127.0.0.1:${taken}: the port is in use`,
      )
      expect(res.err).toContain('--callback-port <n>')
    } finally {
      await new Promise((ok) => busy.close(ok))
    }
    const noKey = await run('connection', 'authorize', 'Nobody', '--no-browser')
    expect(noKey.code).toBe(1)
    expect(noKey.err).toContain("connection 'Nobody' does not exist yet; give --client-id")
    const noRefresh = await run(
      'connection',
      'authorize',
      'Nobody',
      '--client-id',
      'k',
      '--scope',
      'api',
      '--no-browser',
    )
    expect(noRefresh.err).toContain('--scope must include refresh_token')
  })

  it('gives up after --timeout, and cleans up on Ctrl-C', async () => {
    const slow = start([
      'connection',
      'authorize',
      'Slow',
      '--login-url',
      emu.url,
      '--client-id',
      'cli-app',
      '--callback-port',
      '0',
      '--timeout',
      '1',
      '--no-browser',
    ])
    expect(await slow.exit).toBe(1)
    expect(slow.err()).toContain('no answer from the browser within 1 s')
    const used = Number(/localhost:(\d+)\/OauthRedirect/.exec(slow.out())?.[1])
    // The listener is gone with the command.
    await expect(fetch(`http://127.0.0.1:${used}/OauthRedirect`)).rejects.toThrow()

    const cancelled = start(
      authorizeArgs('Cancelled', '--login-url', emu.url, '--client-id', 'cli-app', '--no-browser'),
    )
    await cancelled.url()
    cancelled.child.kill('SIGINT')
    expect(await cancelled.exit).toBe(1)
    expect(cancelled.err()).toContain('authorization cancelled; nothing was stored')
    expect(await store.connections.find('Cancelled')).toBeUndefined()
  })
})
