// Small helpers with no knowledge of Salesforce, shared by every folder.
export {
  ForcebridgeError,
  foreignCode,
  foreignCodeOr,
  hasCode,
  type ErrorSource,
  type ForeignCode,
} from './forcebridge-error.js'
export {
  catalogueEntry,
  errorCatalogue,
  type CatalogueEntry,
  type ChannelAnswer,
  type ErrorCode,
} from './error-catalogue.js'
export { errorAnswer, type ErrorAnswer, type ErrorSurface } from './error-answer.js'
export { PublicForcebridgeError, publicHasCode } from './public-error.js'
export {
  applyServerLimits,
  DEFAULT_SERVER_LIMITS,
  fastifyLimitOptions,
  serverLimitsOf,
  type ServerLimits,
} from './server-limits.js'
export { ForbiddenJsonKeyError, parseJson } from './parse-json.js'
export { processTempDir } from './process-temp-dir.js'
