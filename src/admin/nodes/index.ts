// The cluster's nodes in the admin: the API action and the dashboard page.
export { listNodes, type NodeList } from './node-actions.js'
export { nodeList } from './node-pages.js'
