// Registers the Setup pages on the emulator's server. They change the org's connected apps
// and settings, which live in the server's state rather than in OrgWriter, so the server
// hands them over as `ctx.setup` (built with `setupBackendFromState`). Without it, the
// feature registers nothing rather than serve pages whose changes would have no effect.

import type { Feature } from '../server/emulator-context.js'
import type { SetupBackend } from './setup-backend.js'
import { registerSetupPages } from './setup-routes.js'

declare module '../server/emulator-context.js' {
  interface EmulatorContext {
    /** The org's users, connected apps and OAuth settings, for the Setup pages. */
    setup?: SetupBackend
  }
}

export const setupFeature: Feature = (app, ctx) => {
  if (ctx.setup === undefined) return
  registerSetupPages(app, ctx.setup, () => ctx.now())
}
