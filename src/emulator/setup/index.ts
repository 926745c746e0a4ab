// The emulator's Setup pages: log in, App Manager, connected apps and the OAuth settings.
export { setupFeature } from './setup-feature.js'
export { registerSetupPages } from './setup-routes.js'
export { setupBackendFromState } from './state-setup-backend.js'
export type { SetupBackend, SetupApp, OAuthFlow } from './setup-backend.js'
