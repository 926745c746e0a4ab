// The server side of bench:runtime, run in a child process of its own so that the CPU it spends
// is measured apart from the load generator's: `runtime` starts the runtime with two API-key
// channels (the seed's campaign.create, and bench.campaign that answers without Salesforce);
// `bare` starts a bare Fastify route that answers the same JSON (no auth, no hooks).
// Talks to the parent over IPC: sends { url, key } once listening, answers 'cpu' with its
// process.cpuUsage(), starts V8's sampling profiler on 'profile-start' and writes the profile to
// the file named by { profileStop } (answering { profiled }), and closes and exits on 'stop'.
// The runtime comes from dist/ (bench:runtime builds it first), as `forcebridge start` runs it:
// code compiled by tsx on the fly carries helpers (`__name` on every function made) that tsc's
// output has not, and that would count against the runtime.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Fastify from 'fastify'
import { z } from 'zod'
import type * as RuntimeModule from '../src/runtime/index.js'
import type * as StoreModule from '../src/store/index.js'

const DIST = new URL('../dist/', import.meta.url)
const { createLogger, createRuntime, defineService } = (await import(
  new URL('runtime/index.js', DIST).href
)) as typeof RuntimeModule
const { openStore } = (await import(new URL('store/index.js', DIST).href)) as typeof StoreModule

/** The answer of the channel without Salesforce and of the bare route: a created record's id. */
const BENCH_ANSWER = { id: '701000000000001AAA' }

const ROOT = resolve(import.meta.dirname, '..')

async function startRuntime(emulatorUrl: string, creds: Record<string, string>) {
  const home = mkdtempSync(join(tmpdir(), 'fb-bench-runtime-'))
  const store = await openStore({ home })
  await store.connections.add({
    name: 'My Salesforce Connection',
    loginUrl: emulatorUrl,
    authFlow: 'password',
    ...creds,
  })
  const { definition, key } = await store.security.createApiKey('bench')
  for (const [path, service] of [
    ['/api/campaigns', 'campaign.create'],
    ['/api/bench-campaigns', 'bench.campaign'],
  ] as const) {
    await store.channels.add({
      method: 'POST',
      path,
      service,
      securityDefinitionId: definition.id,
    })
  }
  const runtime = await createRuntime({
    store,
    log: createLogger({ level: 'silent' }),
    serviceFolders: [join(ROOT, 'examples', 'services')],
    async: { concurrency: 0, scheduler: false },
  })
  // campaign.create with the Salesforce call taken out: same schemas, same log call.
  runtime.registry.register(
    defineService({
      name: 'bench.campaign',
      input: z.object({ name: z.string().min(1), segment: z.string() }),
      output: z.object({ id: z.string() }),
      handle({ log }) {
        log.info({ id: BENCH_ANSWER.id }, 'campaign created')
        return BENCH_ANSWER
      },
    }),
  )
  const url = await runtime.listen('127.0.0.1', 0)
  return {
    ready: { url, key },
    async close() {
      await runtime.close()
      await store.close()
      rmSync(home, { recursive: true, force: true })
    },
  }
}

async function startBare() {
  const app = Fastify()
  app.post('/api/campaigns', (_req, reply) => reply.send(BENCH_ANSWER))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return { ready: { url: `http://127.0.0.1:${port}` }, close: () => app.close() }
}

// The connection's credentials come in the environment, not on the command line (ps shows that).
const { emulatorUrl, creds } = JSON.parse(process.env.BENCH_SERVER ?? '{}') as {
  emulatorUrl: string
  creds: Record<string, string>
}
const server =
  process.argv[2] === 'bare' ? await startBare() : await startRuntime(emulatorUrl, creds)
// The profiler is driven from here rather than by `node --cpu-prof`, so that a profile covers the
// measured rounds only, not start-up (module loading is most of a short run's samples).
// The session is opened only when asked for: an inspector session left connected slows V8 down.
let inspector: Session | undefined
async function startProfiler(): Promise<void> {
  inspector = new Session()
  inspector.connect()
  await inspector.post('Profiler.enable')
  await inspector.post('Profiler.setSamplingInterval', { interval: 200 })
  await inspector.post('Profiler.start')
}
async function stopProfiler(file: string): Promise<void> {
  const { profile } = await (inspector as Session).post('Profiler.stop')
  inspector?.disconnect()
  writeFileSync(file, JSON.stringify(profile))
  process.send?.({ profiled: file })
}

process.on('message', (message: unknown) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() })
  else if (message === 'stop') void server.close().then(() => process.exit(0))
  else if (message === 'profile-start') void startProfiler()
  else if (typeof message === 'object' && message && 'profileStop' in message)
    void stopProfiler(String(message.profileStop))
})
process.send?.(server.ready)
