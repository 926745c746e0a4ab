// The Setup pages' view of a running emulator: its users, connected apps and org settings,
// changed in place so that the token endpoint sees a new app or setting at once.

import { timingSafeEqual } from 'node:crypto'
import type { EmulatorState } from '../server/emulator-state.js'
import type { SetupApp, SetupBackend } from './setup-backend.js'

function samePassword(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export function setupBackendFromState(state: EmulatorState): SetupBackend {
  return {
    checkLogin(username, password) {
      const user = state.users.get(username.trim().toLowerCase())
      if (user === undefined || !user.active || !samePassword(user.password, password))
        return undefined
      return { userId: user.id, username: user.username }
    },
    connectedApps(): SetupApp[] {
      return [...state.apps.values()].map((app) => ({
        name: app.name,
        consumerKey: app.consumerKey,
        consumerSecret: app.consumerSecret,
        flows: [...app.flows],
        scopes: [...app.scopes],
        ...(app.runAs === undefined ? {} : { runAs: app.runAs }),
      }))
    },
    addConnectedApp(app) {
      state.apps.set(app.consumerKey, {
        name: app.name,
        consumerKey: app.consumerKey,
        consumerSecret: app.consumerSecret,
        flows: [...app.flows],
        scopes: [...app.scopes],
        refreshTokenRotation: false,
        // As in Salesforce, a new app requires the secret in the web-server flow.
        requireSecretForWebServerFlow: true,
        ...(app.runAs === undefined ? {} : { runAs: app.runAs }),
      })
    },
    usernamePasswordFlowAllowed: () => state.settings.allowUsernamePasswordFlow,
    setUsernamePasswordFlowAllowed(allowed) {
      state.settings.allowUsernamePasswordFlow = allowed
    },
  }
}
