// Small helpers with no knowledge of Salesforce, shared by every folder.
export { ForcebridgeError, hasCode } from './forcebridge-error.js'
