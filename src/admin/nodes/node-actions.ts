// The cluster's nodes for the admin: every node registered in the store, with the age of its
// heartbeat and whether it counts as alive, so an operator sees a deploy converge.
import { nodeViews, type NodeView } from '../../runtime/index.js'
import type { AdminContext } from '../admin-context.js'

export interface NodeList {
  /** A heartbeat older than this (ms) means the node is gone. */
  timeoutMs: number
  nodes: NodeView[]
}

export async function listNodes(ctx: AdminContext): Promise<NodeList> {
  return {
    timeoutMs: ctx.nodeTimeoutMs,
    nodes: nodeViews(await ctx.store.nodes.list(), ctx.nodeTimeoutMs),
  }
}
