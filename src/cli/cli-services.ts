// The services a one-shot CLI command works with: loaded from the services folders (default
// FORCEBRIDGE_HOME/services) the same way the server loads them.
import { join, resolve } from 'node:path'
import {
  linkPublicEntry,
  loadServices,
  ServiceRegistry,
  type AnyService,
  type Config,
} from '../runtime/index.js'
import { ForcebridgeError } from '../util/index.js'

export interface CliServices {
  registry: ServiceRegistry
  folders: string[]
  /** The named service; SERVICE_NOT_FOUND (naming the folders and any broken file) otherwise. */
  require(name: string): AnyService
}

export async function loadCliServices(config: Config, folders?: string[]): Promise<CliServices> {
  linkPublicEntry(config.home)
  const registry = new ServiceRegistry()
  const resolved = (folders ?? [join(config.home, 'services')]).map((f) => resolve(f))
  const report = await loadServices(resolved, registry)
  return {
    registry,
    folders: resolved,
    require(name) {
      const service = registry.get(name)
      if (service) return service
      const broken = report.failed.map((f) => `${f.file}: ${f.error.message}`).join('; ')
      throw new ForcebridgeError(
        'SERVICE_NOT_FOUND',
        `service '${name}' is not in ${resolved.join(', ')}${broken ? ` (files that failed to load: ${broken})` : ''}`,
      )
    },
  }
}
