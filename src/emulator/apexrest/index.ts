// The emulator's Apex REST: `/services/apexrest/...` answered by the org file's handler modules.
export { createApexRestFeature } from './apex-rest-feature.js'
export type { ApexRestHandler, ApexRestRequest, ApexRestResponse } from './apex-rest-handler.js'
