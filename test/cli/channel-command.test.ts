// `forcebridge channel` and `forcebridge security`: channels and security definitions managed from
// the CLI against a real store in a temp FORCEBRIDGE_HOME, checked the way an operator (and the
// server) would see them: the command's output, the store's verify calls and the audit log.
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/index.js'
import { runCli as run, type CliResult } from './fixtures/run-cli.js'
import { testDatabase } from '../fixtures/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-channel-cli-'))
const home = join(dir, 'home')
const pemFile = join(dir, 'public.pem')

const SECRETS = {
  FB_TEST_OFFICE_PW: 'office-password-0001',
  FB_TEST_OFFICE_PW2: 'office-password-0002',
  FB_TEST_JWT_SECRET: 'jwt-shared-secret-0123456789abcdef-xyz',
  FB_TEST_GIVEN_KEY: 'given-api-key-0123456789',
  FB_TEST_SHORT: 'short',
}
const savedEnv = new Map<string, string | undefined>()

/** Every output of every command, to check at the end that no secret ever appeared. */
const outputs: CliResult[] = []
async function runCli(...args: string[]): Promise<CliResult> {
  const result = await run(...args)
  outputs.push(result)
  return result
}

async function withTestStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ home, ...(await testDatabase(home)) })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

async function definitionId(name: string): Promise<string> {
  const def = await withTestStore((s) => s.security.find(name))
  if (!def) throw new Error(`definition ${name} is missing`)
  return def.id
}

interface ListedChannel {
  id: string
  method: string
  path: string
  service: string
  securityDefinitionName: string | null
  rateLimit: { requests: number; perSeconds: number } | null
  timeoutMs: number | null
  maxBodyBytes: number | null
}

async function channels(): Promise<ListedChannel[]> {
  const listed = await runCli('channel', 'list', '--json')
  expect(listed.code).toBe(0)
  return JSON.parse(listed.out) as ListedChannel[]
}

let madeKey = ''
/** Every API key the CLI made, old and new. */
const madeKeys: string[] = []

beforeAll(() => {
  for (const key of ['FORCEBRIDGE_HOME', ...Object.keys(SECRETS)])
    savedEnv.set(key, process.env[key])
  process.env.FORCEBRIDGE_HOME = home
  Object.assign(process.env, SECRETS)
  const { publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
  writeFileSync(pemFile, publicKey)
})

afterAll(() => {
  for (const [key, value] of savedEnv) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('forcebridge security', () => {
  it('adds an API key definition and prints the made key once, verifiable by the store', async () => {
    const added = await runCli('security', 'add', 'partners', '--kind', 'api_key')
    expect(added.code).toBe(0)
    madeKey = /API key: (\S+)/.exec(added.out)?.[1] ?? ''
    expect(madeKey).toMatch(/^fb_/)
    madeKeys.push(madeKey)
    expect(added.out).toContain('will not be shown again')
    const id = await definitionId('partners')
    await withTestStore(async (s) => {
      expect(await s.security.verifyApiKey(id, madeKey)).toBe(true)
      expect(await s.security.verifyApiKey(id, `${madeKey}x`)).toBe(false)
    })
  })

  it('takes a given key from the environment and does not echo it', async () => {
    const added = await runCli(
      'security',
      'add',
      'given',
      '--kind',
      'api_key',
      '--key-env',
      'FB_TEST_GIVEN_KEY',
    )
    expect(added.code).toBe(0)
    expect(added.out).not.toContain('API key:')
    const id = await definitionId('given')
    await withTestStore(async (s) =>
      expect(await s.security.verifyApiKey(id, SECRETS.FB_TEST_GIVEN_KEY)).toBe(true),
    )
  })

  it('adds basic and both JWT kinds with secrets from the environment, and lists them without secrets', async () => {
    const basic = await runCli(
      'security',
      'add',
      'back office',
      '--kind',
      'basic',
      '--username',
      'office',
      '--password-env',
      'FB_TEST_OFFICE_PW',
    )
    expect(basic.code).toBe(0)
    const hs = await runCli(
      'security',
      'add',
      'tokens',
      '--kind',
      'jwt',
      '--algorithm',
      'HS256',
      '--secret-env',
      'FB_TEST_JWT_SECRET',
      '--issuer',
      'https://issuer.example',
    )
    expect(hs.code).toBe(0)
    const rsPem = await runCli(
      'security',
      'add',
      'idp-pem',
      '--kind',
      'jwt',
      '--algorithm',
      'RS256',
      '--public-key-file',
      pemFile,
      '--audience',
      'forcebridge',
    )
    expect(rsPem.code).toBe(0)
    const rsJwks = await runCli(
      'security',
      'add',
      'idp-jwks',
      '--kind',
      'jwt',
      '--algorithm',
      'RS256',
      '--jwks-url',
      'https://idp.example/.well-known/jwks.json',
    )
    expect(rsJwks.code).toBe(0)

    const id = await definitionId('back office')
    await withTestStore(async (s) => {
      expect(await s.security.verifyBasic(id, 'office', SECRETS.FB_TEST_OFFICE_PW)).toBe(true)
    })

    const listed = await runCli('security', 'list')
    expect(listed.code).toBe(0)
    expect(listed.out).toMatch(/back office\s+basic\s+0\s+username office/)
    expect(listed.out).toMatch(
      /tokens\s+jwt\s+0\s+HS256 · shared secret · issuer https:\/\/issuer\.example/,
    )
    expect(listed.out).toMatch(
      /idp-pem\s+jwt\s+0\s+RS256 · public key \(PEM\) · audience forcebridge/,
    )
    expect(listed.out).toMatch(
      /idp-jwks\s+jwt\s+0\s+RS256 · JWKS https:\/\/idp\.example\/\.well-known\/jwks\.json/,
    )
    expect(listed.out).toMatch(/partners\s+api_key/)
  })

  it('refuses bad definitions with the field named, and creates nothing', async () => {
    const before = (await runCli('security', 'list', '--json')).out
    const shortPw = await runCli(
      'security',
      'add',
      'weak',
      '--kind',
      'basic',
      '--username',
      'u',
      '--password-env',
      'FB_TEST_SHORT',
    )
    expect(shortPw.code).toBe(1)
    expect(shortPw.err).toMatch(/password must be at least 8 characters/)
    const noPw = await runCli(
      'security',
      'add',
      'weak',
      '--kind',
      'basic',
      '--username',
      'u',
      '--no-prompt',
    )
    expect(noPw.code).toBe(1)
    expect(noPw.err).toContain('--password-env')
    const shortSecret = await runCli(
      'security',
      'add',
      'weak',
      '--kind',
      'jwt',
      '--algorithm',
      'HS256',
      '--secret-env',
      'FB_TEST_SHORT',
    )
    expect(shortSecret.code).toBe(1)
    expect(shortSecret.err).toMatch(/secret must be at least 32 characters/)
    const foreign = await runCli('security', 'add', 'weak', '--kind', 'api_key', '--username', 'u')
    expect(foreign.code).toBe(1)
    expect(foreign.err).toContain('--username applies to basic definitions only')
    const clash = await runCli('security', 'add', 'partners', '--kind', 'api_key')
    expect(clash.code).toBe(1)
    expect(clash.err).toContain("security definition 'partners' already exists")
    for (const r of [shortPw, noPw, shortSecret, foreign, clash]) {
      expect(r.err.trim().split('\n')).toHaveLength(1)
    }
    expect((await runCli('security', 'list', '--json')).out).toBe(before)
  })

  it('edits basic without a password and keeps the stored one; a new one from the environment replaces it', async () => {
    const id = await definitionId('back office')
    const renamed = await runCli('security', 'edit', 'back office', '--username', 'office2')
    expect(renamed.code).toBe(0)
    await withTestStore(async (s) => {
      expect(await s.security.verifyBasic(id, 'office2', SECRETS.FB_TEST_OFFICE_PW)).toBe(true)
    })
    const newPw = await runCli(
      'security',
      'edit',
      'back office',
      '--password-env',
      'FB_TEST_OFFICE_PW2',
    )
    expect(newPw.code).toBe(0)
    await withTestStore(async (s) => {
      expect(await s.security.verifyBasic(id, 'office2', SECRETS.FB_TEST_OFFICE_PW)).toBe(false)
      expect(await s.security.verifyBasic(id, 'office2', SECRETS.FB_TEST_OFFICE_PW2)).toBe(true)
    })
  })

  it('edits JWT settings in place: clears the audience, swaps a public key for a JWKS URL, renames', async () => {
    const id = await definitionId('idp-pem')
    const edited = await runCli(
      'security',
      'edit',
      'idp-pem',
      '--no-audience',
      '--jwks-url',
      'https://idp.example/keys',
      '--name',
      'idp',
    )
    expect(edited.code).toBe(0)
    expect(edited.out).toContain("'idp' updated (was 'idp-pem')")
    const def = await withTestStore((s) => s.security.get(id))
    expect(def).toMatchObject({
      name: 'idp',
      kind: 'jwt',
      algorithm: 'RS256',
      audience: null,
      publicKey: null,
      jwksUrl: 'https://idp.example/keys',
    })
    const wrongKind = await runCli('security', 'edit', 'idp', '--username', 'x')
    expect(wrongKind.code).toBe(1)
    expect(wrongKind.err).toContain(
      "--username applies to basic definitions only, and 'idp' is jwt",
    )
  })

  it('rotates an API key: the new one is printed once and verifies, the old one no longer does', async () => {
    const id = await definitionId('partners')
    const rotated = await runCli('security', 'rotate', 'partners')
    expect(rotated.code).toBe(0)
    const newKey = /API key: (\S+)/.exec(rotated.out)?.[1] ?? ''
    expect(newKey).toMatch(/^fb_/)
    expect(newKey).not.toBe(madeKey)
    expect(rotated.out).toContain('will not be shown again')
    await withTestStore(async (s) => {
      expect(await s.security.verifyApiKey(id, newKey)).toBe(true)
      expect(await s.security.verifyApiKey(id, madeKey)).toBe(false)
    })
    madeKey = newKey
    madeKeys.push(newKey)
    const notAKey = await runCli('security', 'rotate', 'back office')
    expect(notAKey.code).toBe(1)
    expect(notAKey.err).toContain('has no API key to rotate')
  })
})

describe('forcebridge channel', () => {
  it('adds a channel with limits and a security definition, and lists them in operator units', async () => {
    const added = await runCli(
      'channel',
      'add',
      'post',
      '/orders/:id',
      '--service',
      'orders.sync',
      '--security',
      'partners',
      '--rate',
      '20/60s',
      '--timeout',
      '5000',
      '--max-body',
      '64KiB',
    )
    expect(added.code).toBe(0)
    const refused = await runCli('channel', 'add', 'GET', '/orders', '--service', 'orders.list')
    expect(refused.code).toBe(1)
    expect(refused.err.trim()).toBe(
      'forcebridge: channel GET /orders would be open to anyone: give --security <definition> (see: forcebridge security list), or --public if it is meant to be open',
    )
    expect(await channels()).toHaveLength(1)
    const both = await runCli(
      'channel',
      'add',
      'GET',
      '/orders',
      '--service',
      'orders.list',
      '--security',
      'partners',
      '--public',
    )
    expect(both.code).toBe(1)
    expect(both.err).toContain('give --security <definition> or --public, not both')
    const open = await runCli(
      'channel',
      'add',
      'GET',
      '/orders',
      '--service',
      'orders.list',
      '--public',
    )
    expect(open.code).toBe(0)
    expect(open.out).toContain('open to anyone')

    const listed = await runCli('channel', 'list')
    expect(listed.out).toMatch(
      /POST\s+\/orders\/:id\s+orders\.sync\s+partners\s+20\/60s · 5000 ms · 64 KiB/,
    )
    expect(listed.out).toMatch(/GET\s+\/orders\s+orders\.list\s+\(open\)\s+none/)
    const [post] = (await channels()).filter((c) => c.method === 'POST')
    expect(post).toMatchObject({
      path: '/orders/:id',
      securityDefinitionName: 'partners',
      rateLimit: { requests: 20, perSeconds: 60 },
      timeoutMs: 5000,
      maxBodyBytes: 65536,
    })
  })

  it('refuses a clash, bad limits and an unknown definition with the field named, and changes nothing', async () => {
    const before = await channels()
    const clash = await runCli(
      'channel',
      'add',
      'POST',
      '/orders/:id',
      '--service',
      'x',
      '--public',
    )
    expect(clash.code).toBe(1)
    expect(clash.err).toContain('channel POST /orders/:id already exists')
    const timeout = await runCli(
      'channel',
      'add',
      'PUT',
      '/a',
      '--service',
      'x',
      '--timeout',
      '50',
      '--public',
    )
    expect(timeout.err).toMatch(/timeoutMs must be at least 100 ms/)
    const rate = await runCli(
      'channel',
      'add',
      'PUT',
      '/a',
      '--service',
      'x',
      '--rate',
      '0/60s',
      '--public',
    )
    expect(rate.err).toMatch(/rateLimit\.requests must allow at least 1 request/)
    const size = await runCli(
      'channel',
      'add',
      'PUT',
      '/a',
      '--service',
      'x',
      '--max-body',
      '2KB',
      '--public',
    )
    expect(size.err).toContain('--max-body 2KB')
    const reserved = await runCli('channel', 'add', 'GET', '/healthz', '--service', 'x', '--public')
    expect(reserved.err).toMatch(/path is reserved/)
    const method = await runCli('channel', 'add', 'HEAD', '/a', '--service', 'x', '--public')
    expect(method.err).toMatch(/invalid channel: method/)
    const unknown = await runCli(
      'channel',
      'add',
      'PUT',
      '/a',
      '--service',
      'x',
      '--security',
      'nope',
    )
    expect(unknown.err).toContain("no security definition named 'nope'; known: ")
    expect(unknown.err).toContain("'partners'")
    const badEdit = await runCli('channel', 'edit', 'POST', '/orders/:id', '--timeout', '99999999')
    expect(badEdit.err).toMatch(/timeoutMs must be at most one hour/)
    const moveOnto = await runCli(
      'channel',
      'edit',
      'GET',
      '/orders',
      '--method',
      'POST',
      '--path',
      '/orders/:id',
    )
    expect(moveOnto.err).toContain('channel POST /orders/:id already exists')
    const missing = await runCli('channel', 'edit', 'GET', '/nowhere', '--timeout', '1000')
    expect(missing.err).toContain('no channel GET /nowhere')
    for (const r of [
      clash,
      timeout,
      rate,
      size,
      reserved,
      method,
      unknown,
      badEdit,
      moveOnto,
      missing,
    ]) {
      expect(r.code).toBe(1)
      expect(r.err.trim().split('\n')).toHaveLength(1)
    }
    expect(await channels()).toEqual(before)
  })

  it('edits a channel in place: the id stays, limits are cleared or changed, security swapped, path moved', async () => {
    const [before] = (await channels()).filter((c) => c.method === 'POST')
    const edited = await runCli(
      'channel',
      'edit',
      'POST',
      '/orders/:id',
      '--no-rate',
      '--max-body',
      '1MiB',
      '--security',
      'tokens',
      '--path',
      '/v2/orders/:id',
    )
    expect(edited.code).toBe(0)
    expect(edited.out).toContain('was POST /orders/:id')
    const [after] = (await channels()).filter((c) => c.method === 'POST')
    expect(after).toMatchObject({
      id: before?.id,
      path: '/v2/orders/:id',
      service: 'orders.sync',
      securityDefinitionName: 'tokens',
      rateLimit: null,
      timeoutMs: 5000,
      maxBodyBytes: 1024 * 1024,
    })
    expect((await runCli('channel', 'list')).out).toMatch(
      /\/v2\/orders\/:id\s+orders\.sync\s+tokens\s+5000 ms · 1 MiB/,
    )
  })

  it('refuses to remove a definition a channel uses, naming the channel; once freed it goes', async () => {
    const refused = await runCli('security', 'remove', 'tokens')
    expect(refused.code).toBe(1)
    expect(refused.err).toContain("security definition 'tokens'")
    expect(refused.err).toContain('POST /v2/orders/:id')
    expect(await withTestStore((s) => s.security.find('tokens'))).toBeDefined()

    const unsaid = await runCli('channel', 'edit', 'POST', '/v2/orders/:id', '--no-security')
    expect(unsaid.code).toBe(1)
    expect(unsaid.err).toContain(
      'removing the security of channel POST /v2/orders/:id opens it to anyone: add --public',
    )
    expect((await channels()).find((c) => c.method === 'POST')?.securityDefinitionName).toBe(
      'tokens',
    )
    const opened = await runCli(
      'channel',
      'edit',
      'POST',
      '/v2/orders/:id',
      '--no-security',
      '--public',
    )
    expect(opened.code).toBe(0)
    const [post] = (await channels()).filter((c) => c.method === 'POST')
    expect(post?.securityDefinitionName).toBeNull()
    const removed = await runCli('security', 'remove', 'tokens')
    expect(removed.code).toBe(0)
    expect(await withTestStore((s) => s.security.find('tokens'))).toBeUndefined()
  })

  it('removes a channel', async () => {
    const removed = await runCli('channel', 'remove', 'GET', '/orders')
    expect(removed.code).toBe(0)
    expect((await channels()).map((c) => `${c.method} ${c.path}`)).toEqual(['POST /v2/orders/:id'])
    const again = await runCli('channel', 'remove', 'GET', '/orders')
    expect(again.code).toBe(1)
    expect(again.err).toContain('no channel GET /orders')
  })
})

describe('audit and secrecy', () => {
  it('audits every change as actor cli, with field names and no secret', async () => {
    const entries = await withTestStore((s) => s.audit.list({ actor: 'cli', limit: 500 }))
    const actions = entries.map((e) => `${e.action} ${e.target}`).reverse()
    expect(actions).toEqual([
      'security.create partners',
      'security.create given',
      'security.create back office',
      'security.create tokens',
      'security.create idp-pem',
      'security.create idp-jwks',
      'security.update back office',
      'security.update back office',
      'security.update idp-pem',
      'security.rotate partners',
      'channel.create POST /orders/:id',
      'channel.create GET /orders',
      'channel.update POST /orders/:id',
      'channel.update POST /v2/orders/:id',
      'security.delete tokens',
      'channel.delete GET /orders',
    ])
    const passwordEdit = entries.find(
      (e) => e.action === 'security.update' && (e.detail?.fields as string[]).includes('password'),
    )
    expect(passwordEdit?.detail).toMatchObject({ kind: 'basic', fields: ['password'] })
    const moved = entries.find(
      (e) => e.target === 'POST /orders/:id' && e.action === 'channel.update',
    )
    expect(moved?.detail).toMatchObject({
      fields: ['maxBodyBytes', 'path', 'rateLimit', 'securityDefinitionId'],
      movedTo: 'POST /v2/orders/:id',
    })
    const all = JSON.stringify(entries)
    for (const secret of [...Object.values(SECRETS).filter((s) => s.length > 8), ...madeKeys]) {
      expect(all).not.toContain(secret)
    }
  })

  it('never printed a secret; each made API key appeared in exactly one output', () => {
    const text = outputs.map((o) => o.out + o.err)
    for (const secret of Object.values(SECRETS).filter((s) => s.length > 8)) {
      expect(text.filter((t) => t.includes(secret))).toEqual([])
    }
    const shownKeys = text.flatMap((t) => [...t.matchAll(/API key: (\S+)/g)].map((m) => m[1]))
    expect(shownKeys).toEqual(madeKeys) // made at add, made at rotate
    for (const key of shownKeys) {
      expect(text.filter((t) => t.includes(key ?? '\u0000'))).toHaveLength(1)
    }
  })
})
