// Connections: one Salesforce client per stored connection, with tokens kept in the store.
export {
  ConnectionClients,
  clientFor,
  type ConnectionClientsOptions,
} from './connection-clients.js'
export { storedTokens, forgetStoredToken } from './stored-tokens.js'
