// Everything a running emulator holds: the org's data and configuration, sessions, limits,
// faults, query locators and counters. Routes receive it; nothing else is global.

import type { ConnectedAppConfig, OrgConfig, UserConfig } from '../org/org-file.js'
import type { OrgStore } from '../org/org-store.js'
import type { SessionStore } from '../auth/session-store.js'
import type { ApiLimits } from '../limits/api-limits.js'
import type { FaultInjector } from '../faults/fault-injector.js'
import type { QueryLocators } from '../data/query-locators.js'
import type { AuthorizationCodes } from '../oauth/authorization-codes.js'
import type { Session } from './emulator-context.js'
import type { RecentItems } from '../resources/recent-items.js'

export interface UserAccount extends UserConfig {
  /** 18-character User id. */
  id: string
}

export interface EmulatorStats {
  /** Successful token grants per username. */
  logins: Map<string, number>
  /** Counted data API requests. */
  requests: number
  /** Calls to the token endpoint, successful or not. */
  tokenRequests: number
  /** Successful token grants per grant_type (password, client_credentials, refresh_token, ...). */
  grants: Map<string, number>
}

export interface EmulatorState {
  config: OrgConfig
  store: OrgStore
  orgId: string
  sessions: SessionStore
  /** Codes of the web-server flow, between the login page and the token request. */
  authCodes: AuthorizationCodes
  limits: ApiLimits
  /** DailyBulkApiBatches: Bulk API 1.0 batches in the last 24 hours. */
  bulkBatches: ApiLimits
  faults: FaultInjector
  locators: QueryLocators
  /** Recently viewed records per user (`/recent`). */
  recent: RecentItems
  now: () => Date
  instanceUrl(): string
  /** Users by lower-case username. */
  users: Map<string, UserAccount>
  /** Connected apps by consumer key. */
  apps: Map<string, ConnectedAppConfig>
  stats: EmulatorStats
  /** Recent successful logins per username (epoch ms), for the hourly login limit. */
  loginTimes: Map<string, number[]>
  /** Org setting "Allow OAuth Username-Password Flows" (can change at run time). */
  settings: { allowUsernamePasswordFlow: boolean; genericLoginHost: boolean }
  /** Secret header value that marks an internal dispatch (composite subrequests). */
  internalKey: string
  /** Sessions of internal dispatches in flight, by dispatch id. */
  dispatchSessions: Map<string, Session>
  /** Token that opens `/__emulator/...` when the emulator is not bound to loopback. */
  adminToken: string
  adminOpen: boolean
}
