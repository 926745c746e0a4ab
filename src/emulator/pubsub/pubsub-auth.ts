// Who is calling: the call metadata `accesstoken`, `instanceurl` and `tenantid` checked against
// the emulator's sessions, as Salesforce checks them on every Pub/Sub call.

import type { Metadata } from '@grpc/grpc-js'
import type { SessionStore } from '../auth/session-store.js'
import type { Session } from '../server/emulator-context.js'

export interface AuthContext {
  sessions: SessionStore
  orgId: string
  instanceUrl(): string
}

function one(metadata: Metadata, key: string): string {
  const value = metadata.get(key)[0]
  return typeof value === 'string' ? value : ''
}

/** The session of the call, or a reason it has none. */
export function authenticate(
  ctx: AuthContext,
  metadata: Metadata,
): { session: Session } | { refused: string } {
  const token = one(metadata, 'accesstoken')
  const instance = one(metadata, 'instanceurl').replace(/\/+$/, '')
  const tenant = one(metadata, 'tenantid')
  if (!token || !instance || !tenant)
    return { refused: 'the call needs the accesstoken, instanceurl and tenantid metadata' }
  if (tenant.slice(0, 15) !== ctx.orgId.slice(0, 15))
    return { refused: `tenantid ${tenant} is not this org` }
  if (instance !== ctx.instanceUrl())
    return { refused: `instanceurl ${instance} is not this org's` }
  const session = ctx.sessions.use(token)
  return session ? { session } : { refused: 'the access token is invalid or expired' }
}
