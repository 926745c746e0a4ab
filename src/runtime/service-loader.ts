// Loads service files from folders: `.ts` through tsx, `.js`/`.mjs` natively. Every export made
// by defineService is registered; a file that fails is reported with its error, not fatal.
import { readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { tsImport } from 'tsx/esm/api'
import { ForcebridgeError } from '../util/index.js'
import { isService } from './define-service.js'
import { registerPublicEntryResolver } from './public-entry-resolver.js'
import type { ServiceRegistry } from './service-registry.js'

export interface LoadReport {
  loaded: { file: string; services: string[] }[]
  failed: { file: string; error: Error }[]
}

const SERVICE_FILE = /^(?!.*\.(test|spec|d)\.[cm]?[jt]s$).+\.(ts|mts|js|mjs)$/

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

/** Imports one file and returns the services it exports. */
export async function importServiceFile(file: string): Promise<ReturnType<typeof collect>> {
  registerPublicEntryResolver()
  const mod: Record<string, unknown> = /\.m?ts$/.test(file)
    ? ((await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>)
    : ((await import(pathToFileURL(file).href)) as Record<string, unknown>)
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
