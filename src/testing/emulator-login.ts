// Which user and connected app of the emulated org the testbed's connections log in with: the
// first active, API-enabled user through the first app that allows the password flow, or else
// an app whose client credentials flow runs as a user.
import { loadOrg, type OrgFile } from '../emulator/index.js'
import type { ConnectionInput } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'

/** The login part of a connection to the emulator (its name and URL are added by the caller). */
export type EmulatorLogin = Omit<ConnectionInput, 'name' | 'loginUrl' | 'active' | 'apiVersion'>

/** `org` as startTestbed got it (undefined: the emulator's built-in org, given as `fallback`). */
export function emulatorLogin(org: string | OrgFile | undefined, fallback: OrgFile): EmulatorLogin {
  const config = loadOrg(org, fallback)
  const users = config.users.filter((u) => u.active && u.apiEnabled)
  const user = users[0]
  const passwordApp = config.connectedApps.find((a) => a.flows.includes('password'))
  if (user && passwordApp && config.settings.allowUsernamePasswordFlow) {
    return {
      authFlow: 'password',
      username: user.username,
      password: user.password,
      ...(user.securityToken ? { securityToken: user.securityToken } : {}),
      clientId: passwordApp.consumerKey,
      clientSecret: passwordApp.consumerSecret,
    }
  }
  const runAsApp = config.connectedApps.find(
    (a) => a.flows.includes('client_credentials') && users.some((u) => u.username === a.runAs),
  )
  if (runAsApp) {
    return {
      authFlow: 'client_credentials',
      clientId: runAsApp.consumerKey,
      clientSecret: runAsApp.consumerSecret,
    }
  }
  throw new ForcebridgeError(
    'TESTBED_NO_LOGIN',
    `the org ${typeof org === 'string' ? org : 'given to startTestbed'} has no way for a connection to log in: add an active user and a connected app with flows [password] (or [client_credentials] with runAs set to that user)`,
  )
}
