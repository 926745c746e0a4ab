// Decides, per call, which injected fault (if any) applies. Deterministic under a seed:
// the same seed and the same sequence of calls give the same faults.

import type { FaultKind, FaultSettings } from './fault-settings.js'

/** mulberry32: a small, fast, seedable generator (not for anything secret). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ORDER: FaultKind[] = [
  'connectionReset',
  'serverUnavailable',
  'unableToLockRow',
  'internalError',
  'badGatewayHtml',
  'maintenanceHtml',
]

export class FaultInjector {
  private settings: FaultSettings = {}
  private random: () => number
  private callsSinceExpiry = 0

  constructor(private readonly seed: number) {
    this.random = seededRandom(seed)
  }

  /** Merge settings into the current ones (a key set to undefined is left as is). */
  set(settings: FaultSettings): void {
    this.settings = {
      ...this.settings,
      ...settings,
      errorRates: { ...this.settings.errorRates, ...settings.errorRates },
    }
  }

  /** Remove every fault and restart the generator from the seed. */
  clear(): void {
    this.settings = {}
    this.callsSinceExpiry = 0
    this.random = seededRandom(this.seed)
  }

  current(): FaultSettings {
    return structuredClone(this.settings)
  }

  get passwordFlowBlocked(): boolean {
    return this.settings.blockPasswordFlow === true
  }

  /** The Pub/Sub faults as set (the same object until set again), without a copy. */
  get pubsub(): FaultSettings['pubsub'] {
    return this.settings.pubsub
  }

  get includeOAuth(): boolean {
    return this.settings.includeOAuth === true
  }

  /** The latency to add to this call, in ms. */
  latency(): number {
    const l = this.settings.latencyMs
    if (l === undefined) return 0
    if (typeof l === 'number') return l
    const [min, max] = l
    return min + Math.floor(this.random() * (Math.max(min, max) - min + 1))
  }

  /** The failure to inject for this call, or undefined. */
  pick(isWrite: boolean): FaultKind | undefined {
    const rates = this.settings.errorRates
    if (!rates) return undefined
    for (const kind of ORDER) {
      const p = rates[kind]
      if (p === undefined || p <= 0) continue
      if (kind === 'unableToLockRow' && !isWrite) continue
      if (this.random() < p) return kind
    }
    return undefined
  }

  /** Call once per authenticated call; true when every session must expire now. */
  shouldExpireSessions(): boolean {
    const every = this.settings.expireSessionsEvery
    if (every === undefined || every === null) return false
    this.callsSinceExpiry++
    if (this.callsSinceExpiry < every) return false
    this.callsSinceExpiry = 0
    return true
  }
}
