// A real forcebridge server for the admin tests: the emulator, a store in a temp
// FORCEBRIDGE_HOME, the runtime with the example campaign service (plus any service files of
// test/admin/fixtures asked for), and the admin plugin.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { adminPlugin, ensureAdminUser, type AdminPluginOptions } from '../../src/admin/index.js'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import {
  createLogger,
  createRuntime,
  createSharedState,
  type Runtime,
  type SessionStoreOptions,
  type SignInLimiterOptions,
} from '../../src/runtime/index.js'
import { openStore, type DatabaseTarget, type Store } from '../../src/store/index.js'
import { testDatabase } from '../fixtures/test-store.js'

export const ADMIN = { name: 'Διαχειριστής', password: 'correct-horse-battery' }

/** The demo org's credentials (src/cli/demo-setup.ts), for a password-flow connection. */
export const EMULATOR_CREDENTIALS = {
  authFlow: 'password',
  username: 'my.user@example.com',
  password: 'my.password',
  securityToken: 'DemoSecurityToken01',
  clientId: '3MVG9forcebridge.demo.consumer.key',
  clientSecret: 'forcebridge-demo-consumer-secret',
} as const

export interface AdminServer {
  url: string
  emulator: EmulatorHandle
  store: Store
  runtime: Runtime
  /** The watched services folder. */
  servicesDir: string
  logLines: string[]
  close(): Promise<void>
}

/**
 * Starts the server. `fixtures` are file names under test/admin/fixtures copied into the services
 * folder beside the campaign service.
 */
export async function startAdminServer(
  /**
   * Plugin options; `runtimeQueue` hands the admin the runtime's own queue and scheduler;
   * `sessions` and `signIn` set the runtime's shared state; `database` puts the store on
   * PostgreSQL (default: the suite's test store, test/fixtures/test-store.ts).
   */
  extra: Partial<AdminPluginOptions> & {
    database?: DatabaseTarget
    /** The master key (base64), when the store must share one with another store. */
    secretKey?: string
    runtimeQueue?: boolean
    sessions?: SessionStoreOptions
    signIn?: SignInLimiterOptions
  } = {},
  fixtures: string[] = [],
): Promise<AdminServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fb-admin-'))
  const home = join(dir, 'home')
  const services = join(home, 'services')
  mkdirSync(services, { recursive: true })
  copyFileSync(
    resolve(import.meta.dirname, '../../examples/services/campaign-create.ts'),
    join(services, 'campaign-create.ts'),
  )
  for (const file of fixtures)
    copyFileSync(resolve(import.meta.dirname, 'fixtures', file), join(services, file))
  const emulator = await startEmulator()
  const { runtimeQueue, sessions, signIn, database, secretKey, ...options } = extra
  const store = await openStore({
    home,
    ...(database ? { database } : await testDatabase(home)),
    ...(secretKey ? { secretKey } : {}),
  })
  const logLines: string[] = []
  const log = createLogger({
    level: 'info',
    destination: { write: (l: string) => void logLines.push(l) },
  })
  const runtime = await createRuntime({
    store,
    log,
    serviceFolders: [services],
    sharedState: createSharedState({
      ...(sessions ? { sessions } : {}),
      ...(signIn ? { signIn } : {}),
    }),
  })
  await ensureAdminUser(store, ADMIN.name, ADMIN.password)
  await runtime.http.register(adminPlugin, {
    store,
    runtime,
    log,
    ...(runtimeQueue ? { queue: runtime.queue, schedules: runtime.scheduler } : {}),
    ...options,
  })
  const url = await runtime.listen('127.0.0.1', 0)
  return {
    url,
    emulator,
    store,
    runtime,
    servicesDir: services,
    logLines,
    async close() {
      await runtime.close()
      await store.close()
      await emulator.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
