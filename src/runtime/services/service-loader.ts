// Loads service files from folders through tsx (`.ts` and `.js` alike). Every export made by
// defineService is registered; a file that fails is reported with its error, not fatal.
// Each import is fresh, so a changed file (and the local helpers it imports) gives new code.
import { readdirSync, statSync } from 'node:fs'
import { register } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { register as registerTsx, type NamespacedUnregister } from 'tsx/esm/api'
import { ForcebridgeError } from '../../util/index.js'
import { packageRoot } from '../package-info/index.js'
import { isService } from './define-service.js'
import { registerPublicEntryResolver } from './public-entry-resolver.js'
import type { ServiceRegistry } from './service-registry.js'

export interface LoadReport {
  loaded: { file: string; services: string[] }[]
  failed: { file: string; error: Error }[]
}

// Dot files are left out: editors' lock files (`.#x.ts`) and `forcebridge deploy`'s staging copy.
const SERVICE_FILE = /^(?!\.)(?!.*\.(test|spec|d)\.[cm]?[jt]s$).+\.(ts|mts|js|mjs)$/

/** True for a file name (no folder) that is loaded as a service file. */
export function isServiceFileName(name: string): boolean {
  return SERVICE_FILE.test(name)
}

/** The service files directly inside `folder`, sorted; none when it does not exist. */
export function listServiceFiles(folder: string): string[] {
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return names
    .filter((n) => SERVICE_FILE.test(n))
    .map((n) => join(resolve(folder), n))
    .filter((f) => statSync(f).isFile())
    .sort()
}

/** The query parameter that makes each load of a service file a new module. */
const LOAD_PARAM = 'forcebridge-load'
let loads = 0
let importer: NamespacedUnregister | undefined

/**
 * One tsx namespace for every service file, so forcebridge and zod are loaded once and shared,
 * and a resolve hook that hands a file's load number down to the modules it imports, except
 * packages (node_modules) and forcebridge's own dist/. Node caches modules by URL, so a new
 * number gives a new module: the changed file and its local helpers are evaluated again. The
 * old modules stay in memory (Node cannot unload an ES module): a few kB per reload.
 */
function serviceImporter(): NamespacedUnregister {
  if (importer) return importer
  registerPublicEntryResolver()
  const shared = pathToFileURL(join(packageRoot(), 'dist')).href + '/'
  const hook = `const KEY = ${JSON.stringify(LOAD_PARAM)}, SHARED = ${JSON.stringify(shared)}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  const parent = context.parentURL
  if (!parent || !result.url.startsWith('file:') || result.url.startsWith(SHARED) || result.url.includes('/node_modules/')) return result
  const load = new URL(parent).searchParams.get(KEY)
  if (load === null) return result
  const url = new URL(result.url)
  url.searchParams.set(KEY, load)
  return { ...result, url: url.href }
}`
  register(`data:text/javascript,${encodeURIComponent(hook)}`)
  importer = registerTsx({ namespace: 'forcebridge-services' })
  return importer
}

/** How long a service file may take to load (its top-level code) by default. */
export const DEFAULT_LOAD_TIMEOUT_MS = 10_000

/**
 * Imports one file, fresh (never from the module cache), and returns the services it exports.
 * A file whose top-level code does not finish within `timeoutMs` fails with
 * SERVICE_LOAD_TIMEOUT, so one stuck file cannot hold up the loads after it (nor the start).
 */
export async function importServiceFile(
  file: string,
  timeoutMs: number = DEFAULT_LOAD_TIMEOUT_MS,
): Promise<ReturnType<typeof collect>> {
  const url = new URL(pathToFileURL(file).href)
  url.searchParams.set(LOAD_PARAM, String(++loads))
  const loading = serviceImporter().import(url.href, import.meta.url) as Promise<
    Record<string, unknown>
  >
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ForcebridgeError(
            'SERVICE_LOAD_TIMEOUT',
            `${file} did not finish loading within ${timeoutMs} ms (top-level code that waits forever, e.g. an await that never settles or a connection made at import); do such work inside handle() and save the file again`,
          ),
        ),
      timeoutMs,
    )
  })
  // The import cannot be cancelled; if it ever settles after the timeout, it is ignored.
  loading.catch(() => {})
  const mod = await Promise.race([loading, timedOut]).finally(() => clearTimeout(timer))
  const services = collect(mod)
  if (services.length === 0) {
    throw new ForcebridgeError(
      'NO_SERVICE_IN_FILE',
      `${file} exports no service; export the result of defineService (default or named)`,
    )
  }
  return services
}

function collect(mod: Record<string, unknown>) {
  const found = new Set(Object.values(mod).filter(isService))
  // tsx may wrap a CommonJS-style default export once more.
  const inner = mod.default
  if (inner && typeof inner === 'object' && !isService(inner)) {
    for (const v of Object.values(inner)) if (isService(v)) found.add(v)
  }
  return [...found]
}

/** Loads every service file in `folders` into `registry`. */
export async function loadServices(
  folders: string[],
  registry: ServiceRegistry,
): Promise<LoadReport> {
  const report: LoadReport = { loaded: [], failed: [] }
  for (const folder of folders) {
    for (const file of listServiceFiles(folder)) {
      try {
        const services = await importServiceFile(file)
        for (const s of services) registry.register(s, file)
        report.loaded.push({ file, services: services.map((s) => s.name) })
      } catch (err) {
        report.failed.push({ file, error: err instanceof Error ? err : new Error(String(err)) })
      }
    }
  }
  return report
}
