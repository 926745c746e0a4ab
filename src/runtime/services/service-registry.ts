// The services the runtime knows, by name, with the file each came from.
import { ForcebridgeError } from '../../util/index.js'
import type { AnyService } from './define-service.js'

export interface RegisteredService {
  service: AnyService
  /** The file that defined it, or undefined for services registered in code. */
  source: string | undefined
}

export class ServiceRegistry {
  readonly #services = new Map<string, RegisteredService>()

  /** Adds a service; SERVICE_EXISTS when another file already defines the name. */
  register(service: AnyService, source?: string): void {
    const existing = this.#services.get(service.name)
    if (existing && existing.source !== source) {
      throw new ForcebridgeError(
        'SERVICE_EXISTS',
        `service '${service.name}' from ${source ?? 'code'} clashes with the one from ${existing.source ?? 'code'}; rename one`,
      )
    }
    this.#services.set(service.name, { service, source })
  }

  get(name: string): AnyService | undefined {
    return this.#services.get(name)?.service
  }

  list(): RegisteredService[] {
    return [...this.#services.values()].sort((a, b) => a.service.name.localeCompare(b.service.name))
  }

  /**
   * Swaps the services of `source` for `services` in one step, so no call sees a half-loaded
   * file. Checks first and changes nothing when one of the new names belongs to another source
   * (SERVICE_EXISTS) or appears twice in `services` (DUPLICATE_SERVICE).
   */
  replaceSource(source: string, services: AnyService[]): void {
    const seen = new Set<string>()
    for (const s of services) {
      if (seen.has(s.name)) {
        throw new ForcebridgeError(
          'DUPLICATE_SERVICE',
          `${source} defines service '${s.name}' twice; give each service its own name`,
        )
      }
      seen.add(s.name)
      const existing = this.#services.get(s.name)
      if (existing && existing.source !== source) {
        throw new ForcebridgeError(
          'SERVICE_EXISTS',
          `service '${s.name}' from ${source} clashes with the one from ${existing.source ?? 'code'}; rename one`,
        )
      }
    }
    this.removeSource(source)
    for (const s of services) this.#services.set(s.name, { service: s, source })
  }

  /** Names of the services loaded from `source`. */
  namesFrom(source: string): string[] {
    return this.list()
      .filter((e) => e.source === source)
      .map((e) => e.service.name)
  }

  /** Drops every service loaded from `source` (a file that was changed or removed). */
  removeSource(source: string): void {
    for (const [name, entry] of this.#services)
      if (entry.source === source) this.#services.delete(name)
  }
}
