// Runtimes in this process as the "nodes" of a cluster: each with a store of its own on one
// SQLite home, the SharedState the test hands it (one bundle for all, or one Redis connection
// each), the admin API, and an `echo` service behind an API key on a rate-limited channel.
// (test/fixtures/cluster-nodes.ts runs real processes on PostgreSQL; this one checks the wiring.)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { adminPlugin } from '../../../src/admin/index.js'
import {
  createLogger,
  createRuntime,
  defineService,
  type Runtime,
  type SharedState,
} from '../../../src/runtime/index.js'
import { openStore, type RateLimit, type Store } from '../../../src/store/index.js'

const echo = defineService({
  name: 'echo',
  input: z.object({ text: z.string() }),
  handle: ({ input }) => ({ length: input.text.length }),
})

export interface RuntimeNode {
  store: Store
  runtime: Runtime
  state: SharedState
  url: string
}

export interface RuntimeNodes {
  nodes: RuntimeNode[]
  /** The API key of the channel. */
  apiKey: string
  /** Closes every runtime, shared state (each once) and store, and removes the home. */
  close(): Promise<void>
}

export interface RuntimeNodesOptions {
  count: number
  /** The shared state of node `index`; the same object for all is one bundle behind them all. */
  sharedState: (index: number) => SharedState | Promise<SharedState>
  /** `POST <path>`, running `echo`, behind a new API key, limited to `rateLimit`. */
  channel: { path: string; rateLimit: RateLimit }
}

/** Starts `count` runtimes listening on 127.0.0.1 (port 0), then adds the channel. */
export async function startRuntimeNodes(options: RuntimeNodesOptions): Promise<RuntimeNodes> {
  const dir = mkdtempSync(join(tmpdir(), 'fb-runtime-nodes-'))
  const home = join(dir, 'home')
  const nodes: RuntimeNode[] = []
  const close = async () => {
    const states = new Set<SharedState>()
    for (const { runtime, state, store } of nodes) {
      await runtime.close()
      states.add(state)
      await store.close()
    }
    for (const state of states) await state.close()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    for (let i = 0; i < options.count; i++) {
      const store = await openStore({ home })
      const state = await options.sharedState(i)
      const log = createLogger({ level: 'silent' })
      const runtime = await createRuntime({
        store,
        log,
        watch: false,
        async: { concurrency: 0, scheduler: false },
        sharedState: state,
      })
      runtime.registry.register(echo)
      await runtime.http.register(adminPlugin, { store, runtime, log })
      nodes.push({ store, state, runtime, url: await runtime.listen('127.0.0.1', 0) })
    }
    const first = nodes[0]
    if (!first) throw new Error('count must be 1 or more')
    const api = await first.store.security.createApiKey('runtime-nodes')
    await first.store.channels.add({
      method: 'POST',
      path: options.channel.path,
      service: 'echo',
      securityDefinitionId: api.definition.id,
      rateLimit: options.channel.rateLimit,
    })
    return { nodes, apiKey: api.key, close }
  } catch (err) {
    await close()
    throw err
  }
}
