// The node registry and deploy to every node: what makes servers on one store a cluster.
export { ClusterNode, type ClusterNodeOptions } from './cluster-node.js'
export { nodeViews, type NodeView } from './node-liveness.js'
export { syncServiceFiles, type SyncResult } from './service-file-sync.js'
