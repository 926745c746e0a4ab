// The public entry, `forcebridge`: what a service file imports. It takes defineService from its
// own module rather than the runtime's index, so a service file does not load the HTTP server,
// the store and the client just to declare itself.
export { defineService, isService } from './runtime/services/define-service.js'
export type {
  Service,
  ServiceContext,
  ServiceOptions,
  EventBatch,
  EventBinding,
  EventServiceOptions,
  GapContext,
} from './runtime/services/define-service.js'
export { z } from 'zod'
export {
  PublicForcebridgeError as ForcebridgeError,
  publicHasCode as hasCode,
} from './util/index.js'
