// `forcebridge start` (the built CLI) as a child process on 127.0.0.1, on a SQLite home seeded
// here: a connection to the emulator, three security definitions (API key, basic, JWT HS256),
// channels for an echo service (no Salesforce) and an invoice upsert by external id, and an
// admin user. It can be SIGKILLed and started again on the same home and port. A guard module
// loaded first ends it when the parent's IPC channel closes, so it never outlives the driver.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import { openStore } from '../../src/store/index.js'
import { rssKiB } from './process-memory.js'

const ROOT = new URL('../..', import.meta.url).pathname
const GUARD = new URL('./parent-guard.mjs', import.meta.url).pathname
export const ADMIN = { name: 'admin', password: 'fuzz-admin-password-1' }
export const BASIC = { username: 'ada', password: 'basic-password-for-fuzz' }
const JWT_SECRET = 'a-jwt-secret-of-at-least-32-bytes-long!!'
const JWT_ISSUER = 'https://issuer.fuzz.test'
const JWT_AUDIENCE = 'forcebridge-fuzz'

export interface RuntimeCredentials {
  apiKey: string
  basic: string
  jwt: string
}

const SERVICES = {
  'fuzz-echo.ts': `import { defineService, z } from 'forcebridge'
export default defineService({
  name: 'fuzz.echo',
  input: z.object({ name: z.string().max(200), n: z.number().optional(), tags: z.array(z.string()).max(20).optional() }),
  handle: ({ input }) => ({ echoed: input }),
})`,
  'invoice-upsert.ts': `import { defineService, z } from 'forcebridge'
export default defineService({
  name: 'invoice.upsert',
  input: z.object({ number: z.string().min(1).max(40), amount: z.number() }),
  handle: ({ input, salesforce }) =>
    salesforce('crm').sobject('Invoice__c').upsert('Number__c', input.number, { Amount__c: input.amount }),
})`,
}

/** The channels, by path: [security, service]. */
export const CHANNELS = {
  '/api/key/echo': ['apiKey', 'fuzz.echo'],
  '/api/basic/echo': ['basic', 'fuzz.echo'],
  '/api/jwt/echo': ['jwt', 'fuzz.echo'],
  '/api/key/invoices': ['apiKey', 'invoice.upsert'],
} as const

/** Seeds `home` and answers the credentials a caller presents to each kind of channel. */
export async function seedHome(home: string, emulatorUrl: string): Promise<RuntimeCredentials> {
  const store = await openStore({ home })
  try {
    await store.connections.add({
      name: 'crm',
      loginUrl: emulatorUrl,
      authFlow: 'password',
      username: 'my.user@example.com',
      password: 'my.password',
      securityToken: 'DemoSecurityToken01',
      clientId: '3MVG9forcebridge.demo.consumer.key',
      clientSecret: 'forcebridge-demo-consumer-secret',
    })
    const api = await store.security.createApiKey('fuzz-key')
    const basic = await store.security.create({ kind: 'basic', name: 'fuzz-basic', ...BASIC })
    const jwt = await store.security.create({
      kind: 'jwt',
      name: 'fuzz-jwt',
      algorithm: 'HS256',
      secret: JWT_SECRET,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    })
    const ids = { apiKey: api.definition.id, basic: basic.definition.id, jwt: jwt.definition.id }
    for (const [path, [security, service]] of Object.entries(CHANNELS)) {
      await store.channels.add({
        method: 'POST',
        path,
        service,
        securityDefinitionId: ids[security],
      })
    }
    mkdirSync(join(home, 'services'), { recursive: true })
    for (const [file, text] of Object.entries(SERVICES))
      writeFileSync(join(home, 'services', file), text)
    const token = await new SignJWT({ sub: 'fuzzer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(JWT_SECRET))
    return {
      apiKey: api.key,
      basic: `Basic ${Buffer.from(`${BASIC.username}:${BASIC.password}`).toString('base64')}`,
      jwt: `Bearer ${token}`,
    }
  } finally {
    await store.close()
  }
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address()
  await new Promise((r) => server.close(r))
  return typeof address === 'object' && address ? address.port : 0
}

export interface RuntimeChild {
  url: string
  child: ChildProcess
  rssKiB(): number | undefined
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>
  /** SIGTERM (a graceful stop), then wait for the exit. */
  stop(): Promise<void>
}

/** Starts `forcebridge start` on `home` and `port` and waits until /healthz answers. */
export async function startRuntimeChild(
  home: string,
  port: number,
  env: Record<string, string> = {},
): Promise<RuntimeChild> {
  const child = spawn(
    process.execPath,
    ['--import', GUARD, join(ROOT, 'bin', 'forcebridge.js'), 'start'],
    {
      cwd: home,
      env: {
        ...process.env,
        FORCEBRIDGE_HOME: home,
        FORCEBRIDGE_HOST: '127.0.0.1',
        FORCEBRIDGE_PORT: String(port),
        FORCEBRIDGE_LOG_LEVEL: 'fatal',
        FORCEBRIDGE_ADMIN_USER: ADMIN.name,
        FORCEBRIDGE_ADMIN_PASSWORD: ADMIN.password,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  )
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
  })
  const url = `http://127.0.0.1:${port}`
  const until = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the runtime exited at start: ${stderr}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`the runtime did not answer /healthz: ${stderr}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  const exited = () => child.exitCode !== null || child.signalCode !== null
  const end = async (signal: NodeJS.Signals) => {
    if (exited()) return
    const gone = new Promise((r) => child.once('exit', r))
    child.kill(signal)
    await gone
  }
  return {
    url,
    child,
    rssKiB: () => rssKiB(child.pid),
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  }
}
