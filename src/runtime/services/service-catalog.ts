// The live state of the service files: which file serves which services, and which failed to
// load with what error. Loads, reloads and removals go through here one at a time, so the
// registry only ever holds complete versions of files; a broken new version leaves the previous
// one serving. It is the runtime's load report, kept current by the service watcher.
import { statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Logger } from 'pino'
import { hasCode } from '../../util/index.js'
import { importServiceFile, listServiceFiles, type LoadReport } from './service-loader.js'
import type { ServiceRegistry } from './service-registry.js'

/** One service file as the runtime knows it. */
export interface ServiceFileStatus {
  file: string
  /** The services the registry serves from this file now (the previous version after a failed reload). */
  services: string[]
  /** When the version now serving was loaded; null when no version ever loaded. */
  loadedAt: Date | null
  /** Why the latest version did not load; null once a version loads. */
  error: Error | null
  failedAt: Date | null
}

/** What happened to a file: one per load, reload, removal or failure. */
export interface ServiceFileEvent {
  kind: 'loaded' | 'reloaded' | 'removed' | 'failed'
  file: string
  /**
   * loaded, reloaded: the services now serving from the file; failed: those the previous
   * version keeps serving; removed: those no longer served.
   */
  services: string[]
  error?: Error
}

export class ServiceCatalog implements LoadReport {
  readonly #registry: ServiceRegistry
  readonly #log: Logger
  readonly #files = new Map<string, ServiceFileStatus>()
  readonly #listeners = new Set<(event: ServiceFileEvent) => void>()
  // One change at a time: a reload that overtook an older one could leave stale code serving.
  #queue: Promise<void> = Promise.resolve()

  readonly #loadTimeoutMs: number | undefined

  /** `loadTimeoutMs`: how long one file's top-level code may take (default 10 s). */
  constructor(registry: ServiceRegistry, log: Logger, options: { loadTimeoutMs?: number } = {}) {
    this.#registry = registry
    this.#log = log
    this.#loadTimeoutMs = options.loadTimeoutMs
  }

  /** Files whose services are in the registry (LoadReport). */
  get loaded(): LoadReport['loaded'] {
    return this.status()
      .filter((s) => s.loadedAt !== null)
      .map((s) => ({ file: s.file, services: s.services }))
  }

  /** Files whose latest version failed to load, whether or not an older one serves (LoadReport). */
  get failed(): LoadReport['failed'] {
    return this.status().flatMap((s) => (s.error ? [{ file: s.file, error: s.error }] : []))
  }

  /** Every known file, sorted by path. */
  status(): ServiceFileStatus[] {
    return [...this.#files.values()]
      .map((s) => ({ ...s, services: [...s.services] }))
      .sort((a, b) => a.file.localeCompare(b.file))
  }

  /** Calls `listener` after every event; returns a function that stops it. */
  onEvent(listener: (event: ServiceFileEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Loads `file` again if it exists, removes its services if it does not. */
  refresh(file: string): Promise<void> {
    const path = resolve(file)
    return this.#enqueue(() => this.#refresh(path))
  }

  /** Brings the folder's files up to date: each one refreshed, the vanished ones removed. */
  scan(folder: string): Promise<void> {
    const dir = resolve(folder)
    return this.#enqueue(async () => {
      const present = listServiceFiles(dir)
      for (const file of this.#files.keys())
        if (dirname(file) === dir && !present.includes(file)) await this.#remove(file)
      for (const file of present) await this.#refresh(file)
    })
  }

  /** Resolves once every change asked for so far is done. */
  idle(): Promise<void> {
    return this.#enqueue(() => Promise.resolve())
  }

  /** Runs `task` after the ones queued before it; never rejects (a load failure is state). */
  #enqueue(task: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(task).catch((err: unknown) => {
      // Not a load failure (those are caught per file): e.g. the folder cannot be read.
      this.#log.error({ err }, `services folder could not be read: ${String(err)}`)
    })
    return this.#queue
  }

  async #refresh(file: string): Promise<void> {
    let isFile = false
    try {
      isFile = statSync(file).isFile()
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    if (isFile) await this.#load(file)
    else await this.#remove(file)
  }

  async #load(file: string): Promise<void> {
    const before = this.#files.get(file)
    try {
      const services = await importServiceFile(file, this.#loadTimeoutMs)
      // Throws before changing anything when a name belongs to another file.
      this.#registry.replaceSource(file, services)
      const names = services.map((s) => s.name).sort()
      this.#files.set(file, {
        file,
        services: names,
        loadedAt: new Date(),
        error: null,
        failedAt: null,
      })
      this.#emit({ kind: before?.loadedAt ? 'reloaded' : 'loaded', file, services: names })
      if (before?.services.some((n) => !names.includes(n))) await this.#retryClashes()
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      const kept = before ?? { file, services: [], loadedAt: null }
      this.#files.set(file, { ...kept, error, failedAt: new Date() })
      this.#emit({ kind: 'failed', file, services: kept.services, error })
    }
  }

  async #remove(file: string): Promise<void> {
    const before = this.#files.get(file)
    if (!before) return
    this.#registry.removeSource(file)
    this.#files.delete(file)
    this.#emit({ kind: 'removed', file, services: before.services })
    if (before.services.length > 0) await this.#retryClashes()
  }

  /**
   * Files refused because another file held one of their names get another try once names are
   * freed: renaming `a.ts` to `b.ts` may show `b.ts` before `a.ts` is gone.
   */
  async #retryClashes(): Promise<void> {
    for (const s of [...this.#files.values()]) {
      if (hasCode(s.error, 'SERVICE_EXISTS') && this.#files.get(s.file) === s)
        await this.#load(s.file)
    }
  }

  #emit(event: ServiceFileEvent): void {
    const { kind, file, services, error } = event
    if (error) {
      this.#log.error(
        { file, services, err: error },
        `service file failed: ${error.message}${services.length ? '; the previous version keeps serving' : ''}`,
      )
    } else {
      this.#log.info({ file, services }, `service file ${kind}`)
    }
    for (const listener of this.#listeners) listener(event)
  }
}
