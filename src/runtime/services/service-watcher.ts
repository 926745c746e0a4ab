// Hot deploy: watches the services folders and has the catalog load, reload or remove a file
// soon after it is added, changed or deleted. A folder that does not exist yet (or is deleted)
// is looked for every `pollMs` and loaded when it appears.
import { existsSync, watch, type FSWatcher } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Logger } from 'pino'
import type { ServiceCatalog } from './service-catalog.js'
import { isServiceFileName } from './service-loader.js'

export interface ServiceWatcherOptions {
  /** The folders to watch (only the files directly inside each one). */
  folders: string[]
  catalog: ServiceCatalog
  log: Logger
  /**
   * Quiet time after the last event on a file before it is loaded, in milliseconds: an editor's
   * save or a copy is a burst of events. Default 100.
   */
  debounceMs?: number
  /** How often a missing folder is looked for, in milliseconds. Default 1000. */
  pollMs?: number
}

interface Folder {
  path: string
  watcher?: FSWatcher
  poll?: NodeJS.Timeout
}

export class ServiceWatcher {
  readonly #catalog: ServiceCatalog
  readonly #log: Logger
  readonly #debounceMs: number
  readonly #pollMs: number
  readonly #folders: Folder[]
  readonly #pending = new Map<string, NodeJS.Timeout>()
  #closed = false

  private constructor(options: ServiceWatcherOptions) {
    this.#catalog = options.catalog
    this.#log = options.log
    this.#debounceMs = options.debounceMs ?? 100
    this.#pollMs = options.pollMs ?? 1000
    this.#folders = [...new Set(options.folders.map((f) => resolve(f)))].map((path) => ({ path }))
  }

  /**
   * Starts watching and loads what the folders hold now. Watching starts first, so a file
   * changed during that first load is loaded again afterwards rather than missed.
   */
  static async start(options: ServiceWatcherOptions): Promise<ServiceWatcher> {
    const watcher = new ServiceWatcher(options)
    await Promise.all(watcher.#folders.map((f) => watcher.#attach(f)))
    return watcher
  }

  /** Stops watching and waits for a load in progress to finish. */
  async close(): Promise<void> {
    this.#closed = true
    for (const timer of this.#pending.values()) clearTimeout(timer)
    this.#pending.clear()
    for (const folder of this.#folders) this.#detach(folder)
    await this.#catalog.idle()
  }

  /** Watches `folder` and scans it; polls for it while it does not exist. */
  #attach(folder: Folder): Promise<void> {
    if (this.#closed) return Promise.resolve()
    let watcher: FSWatcher
    try {
      watcher = watch(folder.path, { persistent: false })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#log.error({ folder: folder.path, err }, 'cannot watch the services folder')
      }
      this.#poll(folder)
      return Promise.resolve()
    }
    folder.watcher = watcher
    watcher.on('change', (_event, name) => this.#onChange(folder, name))
    watcher.on('error', (err) => {
      this.#log.warn({ folder: folder.path, err }, 'services folder watch failed; looking again')
      this.#lost(folder)
    })
    this.#log.info({ folder: folder.path }, 'watching the services folder')
    return this.#catalog.scan(folder.path)
  }

  #onChange(folder: Folder, name: string | Buffer | null): void {
    if (this.#closed) return
    // Deleting the folder shows up as an event too; its files' services go with it.
    if (!existsSync(folder.path)) return this.#lost(folder)
    // Some platforms give no name: look at the whole folder.
    if (name === null) return this.#debounce(folder.path, () => this.#catalog.scan(folder.path))
    const file = String(name)
    if (!isServiceFileName(file)) return
    const path = join(folder.path, file)
    this.#debounce(path, () => this.#catalog.refresh(path))
  }

  /** The folder went away: drop its services and wait for it to come back. */
  #lost(folder: Folder): void {
    this.#detach(folder)
    if (this.#closed) return
    void this.#catalog.scan(folder.path)
    this.#poll(folder)
  }

  #poll(folder: Folder): void {
    if (this.#closed || folder.poll) return
    folder.poll = setInterval(() => {
      if (!existsSync(folder.path)) return
      clearInterval(folder.poll)
      folder.poll = undefined
      void this.#attach(folder)
    }, this.#pollMs)
    folder.poll.unref()
  }

  #detach(folder: Folder): void {
    folder.watcher?.close()
    folder.watcher = undefined
    if (folder.poll) clearInterval(folder.poll)
    folder.poll = undefined
  }

  #debounce(key: string, run: () => Promise<void>): void {
    clearTimeout(this.#pending.get(key))
    const timer = setTimeout(() => {
      this.#pending.delete(key)
      if (!this.#closed) void run()
    }, this.#debounceMs)
    timer.unref()
    this.#pending.set(key, timer)
  }
}
