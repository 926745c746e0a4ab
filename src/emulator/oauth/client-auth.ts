// Client authentication shared by the grants: the consumer key names the connected app,
// the consumer secret must match when given (or when the flow requires it).

import { timingSafeEqual } from 'node:crypto'
import type { ConnectedAppConfig } from '../org/org-file.js'
import type { EmulatorState, UserAccount } from '../server/emulator-state.js'
import { inactiveUser, invalidClient, invalidClientId } from './oauth-failure.js'

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export function authenticateClient(
  state: EmulatorState,
  params: Record<string, string>,
  secretRequired: boolean,
): ConnectedAppConfig {
  const app = params.client_id === undefined ? undefined : state.apps.get(params.client_id)
  if (!app) throw invalidClientId()
  const secret = params.client_secret
  if (secret === undefined ? secretRequired : !sameSecret(secret, app.consumerSecret))
    throw invalidClient()
  return app
}

export function findUser(
  state: EmulatorState,
  username: string | undefined,
): UserAccount | undefined {
  return username === undefined ? undefined : state.users.get(username.toLowerCase())
}

export function requireActive(user: UserAccount): UserAccount {
  if (!user.active) throw inactiveUser()
  return user
}
