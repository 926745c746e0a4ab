// Connections in the admin: their API actions, their pages, and the ping that tries one.
export {
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  sampleUsage,
  updateConnection,
} from './connection-actions.js'
export { connectionDetail, connectionForm, connectionList, usagePanel } from './connection-pages.js'
export {
  pingConnection,
  type PingResult,
  type PingStep,
  type PingToken,
} from './ping-connection.js'
