// The shared-state backends every conformance suite runs against: memory, and Redis (the shared
// server at 127.0.0.1:6379, each opened state under its own random prefix, its keys deleted when
// it is closed). Each suite checks every entry against the same contract.
import {
  createSharedState,
  type Sealer,
  type SharedState,
  type SharedStateOptions,
} from '../../../src/runtime/index.js'
import { deleteKeys, SHARED_REDIS_URL, testPrefix, testSealer } from '../fixtures/redis-fixture.js'

export interface SharedStateBackend {
  name: string
  /** A fresh, empty shared state on the given options (a driven `now` among them). */
  open(options: SharedStateOptions): Promise<SharedState>
  /** Frees what `open` took (connections, keys under a test prefix). */
  close(state: SharedState): Promise<void>
}

const prefixes = new WeakMap<SharedState, string>()

/**
 * A shared state on the shared Redis, under `prefix` (several "nodes" may share one), sealing
 * tokens with `sealer` (nodes of one cluster share the master key).
 */
export async function openRedisState(
  options: SharedStateOptions,
  prefix: string,
  sealer: Sealer = testSealer(),
): Promise<SharedState> {
  const state = createSharedState({
    ...options,
    backend: 'redis',
    redis: { url: SHARED_REDIS_URL, prefix, sealer },
  })
  await state.ready()
  if (state.status().degraded) {
    await state.close()
    throw new Error(`Redis at ${SHARED_REDIS_URL} does not answer; start it for these tests`)
  }
  return state
}

export const sharedStateBackends: SharedStateBackend[] = [
  {
    name: 'memory',
    open: (options) => Promise.resolve(createSharedState({ ...options, backend: 'memory' })),
    close: () => Promise.resolve(),
  },
  {
    name: 'redis',
    async open(options) {
      const prefix = testPrefix()
      const state = await openRedisState(options, prefix)
      prefixes.set(state, prefix)
      return state
    },
    async close(state) {
      await state.close()
      const prefix = prefixes.get(state)
      if (prefix) await deleteKeys(prefix)
    },
  },
]

/** A clock the test moves by hand, in ms from an arbitrary start. */
export function drivenClock(start = 1_800_000_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}
