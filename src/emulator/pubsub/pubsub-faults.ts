// Pub/Sub fault injection from the emulator's fault settings (`pubsub`): streams dropped after
// N events, calls answered UNAVAILABLE, sessions expired while a stream is open, change events
// sent as gap events.

import type { PubSubFaultSettings } from '../faults/fault-settings.js'

export class PubSubFaults {
  private seen: PubSubFaultSettings | undefined
  private unavailableAnswered = 0
  private eventsSent = 0
  private expired = false
  private gapsSent = 0

  constructor(
    private readonly settings: () => PubSubFaultSettings | undefined,
    private readonly expireSessions: () => void,
  ) {}

  /** True when this call must be answered UNAVAILABLE. */
  unavailable(): boolean {
    const s = this.current()
    if (!s?.unavailableCalls || this.unavailableAnswered >= s.unavailableCalls) return false
    this.unavailableAnswered++
    return true
  }

  /** Events a stream may send before it is dropped, or undefined for no limit. */
  dropAfter(): number | undefined {
    return this.current()?.dropStreamAfterEvents ?? undefined
  }

  /** Count events sent on any stream; expires the sessions once, at the set count. */
  sent(n: number): void {
    const s = this.current()
    this.eventsSent += n
    const at = s?.expireSessionsAfterEvents
    if (at && !this.expired && this.eventsSent >= at) {
      this.expired = true
      this.expireSessions()
    }
  }

  /** True when the next change event must go out as a gap event (counts it). */
  gap(): boolean {
    const s = this.current()
    if (!s?.gapChanges || this.gapsSent >= s.gapChanges) return false
    this.gapsSent++
    return true
  }

  private current(): PubSubFaultSettings | undefined {
    const s = this.settings()
    if (s !== this.seen) {
      // New settings (or cleared ones): the counters start again.
      this.seen = s
      this.unavailableAnswered = 0
      this.eventsSent = 0
      this.expired = false
      this.gapsSent = 0
    }
    return s
  }
}
