// Which registered nodes are alive: a heartbeat newer than the timeout. The registry keeps a dead
// node's row for a while (shown as gone), so an operator sees that it went away.
import type { ClusterNodeInfo } from '../../store/index.js'

export interface NodeView extends ClusterNodeInfo {
  /** Milliseconds since its last heartbeat. */
  heartbeatAgeMs: number
  /** Whether the heartbeat is newer than the timeout. */
  alive: boolean
}

export function nodeViews(
  nodes: readonly ClusterNodeInfo[],
  timeoutMs: number,
  now = Date.now(),
): NodeView[] {
  return nodes.map((n) => {
    const heartbeatAgeMs = Math.max(0, now - Date.parse(n.lastHeartbeatAt))
    return { ...n, heartbeatAgeMs, alive: heartbeatAgeMs <= timeoutMs }
  })
}
