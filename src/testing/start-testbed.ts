// startTestbed: an emulated org and a services runtime in this process, wired together, for a
// user's tests. Everything listens on 127.0.0.1 at free ports, keeps its data in a temporary
// FORCEBRIDGE_HOME under a random master key, and is gone after close().
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { defaultOrg, startEmulator, type EmulatorHandle } from '../emulator/index.js'
import {
  createLogger,
  createRuntime,
  ServiceSettings,
  type AnyService,
  type Runtime,
} from '../runtime/index.js'
import { createClient, type SalesforceClient } from '../salesforce/index.js'
import { openStore, type Store } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'
import { emulatorLogin } from './emulator-login.js'
import { DEFAULT_CONNECTION, parseTestbedOptions, type TestbedOptions } from './testbed-options.js'
import { testbedRequest, type TestbedRequestOptions } from './testbed-request.js'

/** Options of `bed.invoke`. */
export interface TestbedInvokeOptions {
  /** Time budget in ms; overrides the service's own (default 30 s): SERVICE_TIMEOUT past it. */
  timeoutMs?: number
  /** Aborts the call (the service's `ctx.signal`). */
  signal?: AbortSignal
  /** The invocation's correlation id (`ctx.correlationId`). Default: a new UUID. */
  correlationId?: string
}

/** A running testbed: see startTestbed. */
export interface Testbed {
  /** Base URL of the services server, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** The API key that secured channels ask for (`X-API-Key`); `request` sends it for you. */
  readonly apiKey: string
  /** The emulated org: its `url`, `faults`, `limits`, `stats()` and direct `org` access. */
  readonly emulator: EmulatorHandle
  /** A client logged in to the emulated org as the connections are, to check what they wrote. */
  readonly salesforce: SalesforceClient
  /** The temporary FORCEBRIDGE_HOME holding the store (its master key is only in memory). */
  readonly home: string
  /**
   * Calls a channel over HTTP, as your callers will, and returns the fetch Response.
   * @example const res = await bed.request('POST', '/api/campaigns', { json: { name: 'Q3' } })
   */
  request(method: string, path: string, options?: TestbedRequestOptions): Promise<Response>
  /**
   * Runs a service directly (no channel): its output, or the error it failed with
   * (`ForcebridgeError` with a `code` such as `INVALID_INPUT`, or a `SalesforceApiError`).
   */
  invoke<T = unknown>(service: string, input: unknown, options?: TestbedInvokeOptions): Promise<T>
  /** Stops the server, the runtime and the emulator, and removes the temporary home. */
  close(): Promise<void>
}

/**
 * Starts an emulated Salesforce org and your services against it, in this process, so a test
 * can call them through channels or directly and check the records they left in the org.
 *
 * @example
 * const bed = await startTestbed({
 *   services: 'services',
 *   channels: [{ method: 'POST', path: '/api/campaigns', service: 'campaign.create' }],
 * })
 * const res = await bed.request('POST', '/api/campaigns', { json: { name: 'Q3', segment: 'SMB' } })
 * await bed.close()
 */
export async function startTestbed(options: TestbedOptions): Promise<Testbed> {
  const opts = parseTestbedOptions(options)
  const login = emulatorLogin(opts.org, defaultOrg)
  const { folders, files, objects } = sortServices(
    typeof opts.services === 'string' ? [opts.services] : opts.services,
  )
  const home = mkdtempSync(join(tmpdir(), 'forcebridge-testbed-'))
  const closers: (() => Promise<void>)[] = [
    () => Promise.resolve(rmSync(home, { recursive: true, force: true })),
  ]
  const closeAll = async () => {
    // Each step runs even when one before it failed; the failures are reported together.
    const failures: unknown[] = []
    for (const close of closers.splice(0).reverse()) {
      try {
        await close()
      } catch (err) {
        failures.push(err)
      }
    }
    if (failures.length > 0) {
      throw new ForcebridgeError(
        'TESTBED_CLOSE_FAILED',
        `testbed: ${failures.length} part(s) did not close cleanly: ${failures.map(String).join('; ')}`,
        { cause: failures[0] },
      )
    }
  }
  try {
    const emulator = await startEmulator(opts.org === undefined ? {} : { org: opts.org })
    closers.push(() => emulator.close())
    const store = await openStore({ home, secretKey: randomBytes(32).toString('base64') })
    closers.push(() => store.close())
    const names = typeof opts.connection === 'string' ? [opts.connection] : opts.connection
    for (const name of names ?? [DEFAULT_CONNECTION])
      await store.connections.add({ name, loginUrl: emulator.url, ...login })

    const runtime = await createRuntime({
      store,
      log: createLogger({ level: opts.logLevel ?? 'silent', destination: process.stderr }),
      serviceFolders: folders,
      watch: false,
      // A test's close should not wait the production drain time for a call left running.
      shutdownTimeoutMs: 1000,
    })
    closers.push(() => runtime.close())
    await loadServices(runtime, files, objects)
    await applySettings(runtime, store, opts.settings ?? {})

    const { key: apiKey, definition } = await store.security.createApiKey('testbed')
    for (const c of opts.channels ?? []) {
      if (!runtime.registry.get(c.service)) throw unknownService(runtime, c.service, 'a channel')
      await store.channels.add({
        method: c.method,
        path: c.path,
        service: c.service,
        securityDefinitionId: c.public ? null : definition.id,
        rateLimit: c.rateLimit ?? null,
        timeoutMs: c.timeoutMs ?? null,
        maxBodyBytes: c.maxBodyBytes ?? null,
      })
    }
    const url = await runtime.listen('127.0.0.1', 0)
    const salesforce = createClient({
      name: 'testbed',
      loginUrl: emulator.url,
      auth: toClientAuth(login),
    })
    closers.push(() => salesforce.close())

    return {
      url,
      apiKey,
      emulator,
      salesforce,
      home,
      request: (method, path, requestOptions) =>
        testbedRequest(url, apiKey, method, path, requestOptions),
      invoke: async <T>(service: string, input: unknown, invokeOptions?: TestbedInvokeOptions) =>
        (await runtime.invoker.invoke(service, input, { ...invokeOptions })) as T,
      close: closeAll,
    }
  } catch (err) {
    await closeAll().catch(() => undefined)
    throw err
  }
}

/** Folders, files and service objects, each kind apart; a path that is not there is refused. */
function sortServices(entries: readonly (string | AnyService)[]) {
  const folders: string[] = []
  const files: string[] = []
  const objects: AnyService[] = []
  for (const entry of entries) {
    if (typeof entry !== 'string') {
      objects.push(entry)
      continue
    }
    const path = resolve(entry)
    let isFolder: boolean
    try {
      isFolder = statSync(path).isDirectory()
    } catch (cause) {
      throw new ForcebridgeError(
        'TESTBED_SERVICES_NOT_FOUND',
        `startTestbed: services '${entry}' is not there (looked for ${path}); give a folder or file relative to ${process.cwd()}, or an absolute path`,
        { cause },
      )
    }
    ;(isFolder ? folders : files).push(path)
  }
  return { folders, files, objects }
}

/** Loads the single files and registers the objects; any file that failed fails the start. */
async function loadServices(runtime: Runtime, files: string[], objects: AnyService[]) {
  for (const file of files) await runtime.serviceCatalog.refresh(file)
  const failed = runtime.serviceCatalog.status().filter((f) => f.error)
  if (failed.length > 0) {
    const lines = failed.map((f) => `${f.file}: ${f.error?.message ?? 'failed'}`)
    throw new ForcebridgeError(
      'TESTBED_SERVICE_LOAD_FAILED',
      `startTestbed: service files did not load; fix them and run again:\n${lines.join('\n')}`,
      { cause: failed[0]?.error },
    )
  }
  for (const service of objects) runtime.registry.register(service)
  if (runtime.registry.list().length === 0) {
    throw new ForcebridgeError(
      'TESTBED_NO_SERVICES',
      'startTestbed: no service was loaded; check that `services` names a folder with service files (each exporting defineService) or service objects',
    )
  }
}

async function applySettings(
  runtime: Runtime,
  store: Store,
  settings: Readonly<Record<string, Record<string, unknown>>>,
) {
  const serviceSettings = new ServiceSettings(store.settings, () => store.revision())
  for (const [name, values] of Object.entries(settings)) {
    const service = runtime.registry.get(name)
    if (!service) throw unknownService(runtime, name, '`settings`')
    await serviceSettings.update(name, { set: values }, service)
  }
}

function unknownService(runtime: Runtime, name: string, where: string): ForcebridgeError {
  const known = runtime.registry.list().map((s) => s.service.name)
  return new ForcebridgeError(
    'SERVICE_NOT_FOUND',
    `startTestbed: ${where} names service '${name}', which is not loaded (loaded: ${known.join(', ') || 'none'}); check its name and the \`services\` option`,
  )
}

function toClientAuth(login: ReturnType<typeof emulatorLogin>) {
  if (login.authFlow === 'client_credentials') {
    return {
      flow: 'client_credentials' as const,
      clientId: login.clientId ?? '',
      clientSecret: login.clientSecret ?? '',
    }
  }
  return {
    flow: 'password' as const,
    username: login.username ?? '',
    password: login.password ?? '',
    ...(login.securityToken ? { securityToken: login.securityToken } : {}),
    clientId: login.clientId ?? '',
    clientSecret: login.clientSecret ?? '',
  }
}
