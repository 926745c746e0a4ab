// Bodies of the identity URL and of the OIDC userinfo endpoint (salesforce-api.md §1.10).

import { toId18 } from '../ids/record-id.js'
import type { EmulatorState, UserAccount } from '../server/emulator-state.js'
import type { Session } from '../server/emulator-context.js'

function userById(state: EmulatorState, id: string): UserAccount | undefined {
  const id18 = toId18(id)
  for (const u of state.users.values()) if (u.id === id18) return u
  return undefined
}

/** The `urls` map; `{version}` stays a literal placeholder unless `?version=` is given. */
function urls(
  state: EmulatorState,
  user: UserAccount,
  version = '{version}',
): Record<string, string> {
  const base = `${state.instanceUrl()}/services/data/v${version}`
  return {
    enterprise: `${state.instanceUrl()}/services/Soap/c/${version}/${state.orgId}`,
    metadata: `${state.instanceUrl()}/services/Soap/m/${version}/${state.orgId}`,
    partner: `${state.instanceUrl()}/services/Soap/u/${version}/${state.orgId}`,
    rest: `${base}/`,
    sobjects: `${base}/sobjects/`,
    search: `${base}/search/`,
    query: `${base}/query/`,
    recent: `${base}/recent/`,
    profile: `${state.instanceUrl()}/${user.id}`,
    feeds: `${base}/chatter/feeds`,
    groups: `${base}/chatter/groups`,
    users: `${base}/chatter/users`,
    custom_domain: state.instanceUrl(),
  }
}

function displayName(user: UserAccount): string {
  return [user.firstName, user.lastName].filter(Boolean).join(' ')
}

export function identityBody(
  state: EmulatorState,
  userId: string,
  version?: string,
): Record<string, unknown> | undefined {
  const user = userById(state, userId)
  if (!user) return undefined
  return {
    id: `${state.instanceUrl()}/id/${state.orgId}/${user.id}`,
    asserted_user: true,
    user_id: user.id,
    organization_id: state.orgId,
    username: user.username,
    nick_name: user.username.split('@')[0],
    display_name: displayName(user),
    email: user.email ?? user.username,
    email_verified: true,
    first_name: user.firstName ?? null,
    last_name: user.lastName,
    timezone: 'America/Los_Angeles',
    photos: {
      picture: `${state.instanceUrl()}/profilephoto/005/F`,
      thumbnail: `${state.instanceUrl()}/profilephoto/005/T`,
    },
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: null,
    addr_zip: null,
    mobile_phone: null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    urls: urls(state, user, version),
    active: user.active,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: -28800000,
    last_modified_date: '2024-01-01T00:00:00.000+0000',
  }
}

export function userInfoBody(
  state: EmulatorState,
  session: Session,
): Record<string, unknown> | undefined {
  const user = userById(state, session.userId)
  if (!user) return undefined
  return {
    sub: `${state.instanceUrl()}/id/${state.orgId}/${user.id}`,
    user_id: user.id,
    organization_id: state.orgId,
    preferred_username: user.username,
    nickname: user.username.split('@')[0],
    name: displayName(user),
    email: user.email ?? user.username,
    email_verified: true,
    given_name: user.firstName ?? null,
    family_name: user.lastName,
    zoneinfo: 'America/Los_Angeles',
    photos: {
      picture: `${state.instanceUrl()}/profilephoto/005/F`,
      thumbnail: `${state.instanceUrl()}/profilephoto/005/T`,
    },
    profile: `${state.instanceUrl()}/${user.id}`,
    picture: `${state.instanceUrl()}/profilephoto/005/F`,
    address: {},
    is_salesforce_integration_user: false,
    urls: urls(state, user),
    active: user.active,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: -28800000,
    updated_at: '2024-01-01T00:00:00Z',
    is_app_installed: true,
  }
}
