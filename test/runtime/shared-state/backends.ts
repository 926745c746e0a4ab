// The shared-state backends every conformance suite runs against. A new backend (Redis, issue 14)
// is one more entry here; each suite then checks it against the same contract.
import {
  createSharedState,
  type SharedState,
  type SharedStateOptions,
} from '../../../src/runtime/index.js'

export interface SharedStateBackend {
  name: string
  /** A fresh, empty shared state on the given options (a driven `now` among them). */
  open(options: SharedStateOptions): Promise<SharedState>
  /** Frees what `open` took (connections, keys under a test prefix). */
  close(state: SharedState): Promise<void>
}

export const sharedStateBackends: SharedStateBackend[] = [
  {
    name: 'memory',
    open: (options) => Promise.resolve(createSharedState({ ...options, backend: 'memory' })),
    close: () => Promise.resolve(),
  },
]

/** A clock the test moves by hand, in ms from an arbitrary start. */
export function drivenClock(start = 1_800_000_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}
