// This server as a node of a cluster: a row in the store's node registry (id, address, version,
// the services it serves) with a heartbeat every few seconds, and the service files deployed in
// the store written into its services folder as soon as the store says they changed (and at each
// heartbeat, in case a notification was missed).
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Logger } from 'pino'
import type { Store } from '../../store/index.js'
import { nodeViews } from './node-liveness.js'
import { syncServiceFiles } from './service-file-sync.js'

export interface ClusterNodeOptions {
  store: Pick<Store, 'nodes' | 'serviceFiles' | 'changes'>
  log: Logger
  port: number
  version: string
  /** The service names this node serves now (read at each heartbeat). */
  services: () => string[]
  /** Where deployed files are written; undefined: this node only registers. */
  servicesFolder: string | undefined
  heartbeatMs: number
  /** A heartbeat older than this means gone; rows ten times older are purged. */
  timeoutMs: number
}

export class ClusterNode {
  readonly id = randomUUID()
  readonly version: string
  readonly #options: ClusterNodeOptions
  readonly #startedAt = new Date().toISOString()
  #timer: NodeJS.Timeout | undefined
  #unsubscribe: (() => void) | undefined
  #syncing: Promise<void> | undefined
  #again = false
  #closed = false

  private constructor(options: ClusterNodeOptions) {
    this.#options = options
    this.version = options.version
  }

  /** Registers the node, writes the deployed files out, and starts the heartbeat. */
  static async start(options: ClusterNodeOptions): Promise<ClusterNode> {
    const node = new ClusterNode(options)
    await node.#heartbeat()
    await node.sync()
    node.#unsubscribe = options.store.changes.subscribe(() => void node.sync())
    node.#timer = setInterval(() => void node.#tick(), options.heartbeatMs)
    // The heartbeat never keeps a process alive that has nothing else to do.
    node.#timer.unref()
    return node
  }

  /** How many registered nodes have a live heartbeat (for /metrics). */
  async liveNodes(): Promise<number> {
    const nodes = await this.#options.store.nodes.list()
    return nodeViews(nodes, this.#options.timeoutMs).filter((n) => n.alive).length
  }

  /** Writes the store's service files into the folder; concurrent calls coalesce into one more. */
  sync(): Promise<void> {
    if (this.#syncing) {
      this.#again = true
      return this.#syncing
    }
    this.#syncing = (async () => {
      do {
        this.#again = false
        await this.#syncOnce()
      } while (this.#again && !this.#closed)
    })().finally(() => {
      this.#syncing = undefined
    })
    return this.#syncing
  }

  /** Stops the heartbeat and removes this node's row: it left cleanly. */
  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    this.#unsubscribe?.()
    await this.#syncing?.catch(() => undefined)
    await this.#options.store.nodes.remove(this.id)
  }

  async #syncOnce() {
    const { servicesFolder, store, log } = this.#options
    if (servicesFolder === undefined || this.#closed) return
    try {
      const { written, removed } = syncServiceFiles(await store.serviceFiles.list(), servicesFolder)
      if (written.length || removed.length) {
        log.info({ written, removed }, 'service files from the store written out')
      }
    } catch (err) {
      log.warn(
        { err },
        'cannot write the deployed service files out; trying again at the next heartbeat',
      )
    }
  }

  async #tick() {
    if (this.#closed) return
    try {
      await this.#heartbeat()
      const purgeBefore = new Date(Date.now() - this.#options.timeoutMs * 10).toISOString()
      await this.#options.store.nodes.purgeOlderThan(purgeBefore)
    } catch (err) {
      this.#options.log.warn({ err }, 'node heartbeat failed; trying again')
    }
    await this.sync()
  }

  async #heartbeat() {
    const { store, port, version, services } = this.#options
    await store.nodes.upsert({
      id: this.id,
      host: hostname(),
      port,
      version,
      startedAt: this.#startedAt,
      lastHeartbeatAt: new Date().toISOString(),
      services: [...new Set(services())].sort(),
    })
  }
}
