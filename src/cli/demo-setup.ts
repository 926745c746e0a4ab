// The demo's one-time setup in FORCEBRIDGE_HOME: 'My Salesforce Connection' pointing at the
// local emulator, an API key security definition, and the channel POST /api/campaigns.
// Each piece is created only when missing, so a restart keeps what is there.
import { randomBytes } from 'node:crypto'
import { ensureAdminUser } from '../admin/index.js'
import type { Store } from '../store/index.js'

export const DEMO_CONNECTION = 'My Salesforce Connection'
export const DEMO_SECURITY = 'demo-api-key'
export const DEMO_KEY_SETTING = 'demo.apiKey'
export const DEMO_KEY_DEFINITION_SETTING = 'demo.apiKey.definition'
export const DEMO_SERVICE = 'campaign.create'
export const DEMO_PATH = '/api/campaigns'
export const DEMO_ADMIN = 'admin'
export const DEMO_ADMIN_PASSWORD_SETTING = 'demo.adminPassword'

/** The credentials of examples/demo-org.yaml (a local emulator org, not a real one). */
export const DEMO_CREDENTIALS = {
  username: 'my.user@example.com',
  password: 'my.password',
  securityToken: 'DemoSecurityToken01',
  clientId: '3MVG9forcebridge.demo.consumer.key',
  clientSecret: 'forcebridge-demo-consumer-secret',
} as const

export interface DemoSetup {
  apiKey: string
  /** The dashboard's demo sign-in (the password is kept sealed so the banner can repeat it). */
  admin: { name: string; password: string }
}

export async function ensureDemoSetup(store: Store, emulatorUrl: string): Promise<DemoSetup> {
  const existing = await store.connections.find(DEMO_CONNECTION)
  if (!existing) {
    await store.connections.add({
      name: DEMO_CONNECTION,
      loginUrl: emulatorUrl,
      authFlow: 'password',
      ...DEMO_CREDENTIALS,
    })
  } else if (
    existing.loginUrl !== emulatorUrl &&
    existing.username === DEMO_CREDENTIALS.username &&
    isLoopback(existing.loginUrl)
  ) {
    // The demo connection follows the emulator when FORCEBRIDGE_EMULATOR_PORT changes.
    await store.connections.update(DEMO_CONNECTION, { loginUrl: emulatorUrl })
  }

  // The key is kept sealed in the store, with the id of its definition, so the banner can
  // show it again after a restart; both are made anew if either was lost.
  let apiKey = await store.settings.get(DEMO_KEY_SETTING)
  let definitionId = await store.settings.get(DEMO_KEY_DEFINITION_SETTING)
  const definitions = await store.security.list()
  if (apiKey === undefined || !definitions.some((d) => d.id === definitionId)) {
    const taken = definitions.some((d) => d.name === DEMO_SECURITY)
    const created = await store.security.createApiKey(
      taken ? `${DEMO_SECURITY}-${Date.now()}` : DEMO_SECURITY,
    )
    apiKey = created.key
    definitionId = created.definition.id
    await store.settings.set(DEMO_KEY_SETTING, apiKey, { secret: true })
    await store.settings.set(DEMO_KEY_DEFINITION_SETTING, definitionId)
  }

  const channel = await store.channels.find('POST', DEMO_PATH)
  if (
    channel &&
    channel.service === DEMO_SERVICE &&
    channel.securityDefinitionId !== definitionId
  ) {
    // The channel still names an older key: point it at the one the banner shows.
    await store.channels.remove(channel.id)
  }
  if (
    !channel ||
    (channel.service === DEMO_SERVICE && channel.securityDefinitionId !== definitionId)
  ) {
    await store.channels.add({
      method: 'POST',
      path: DEMO_PATH,
      service: DEMO_SERVICE,
      securityDefinitionId: definitionId ?? null,
    })
  }
  let adminPassword = await store.settings.get(DEMO_ADMIN_PASSWORD_SETTING)
  if (adminPassword === undefined) {
    adminPassword = randomBytes(12).toString('base64url')
    await store.settings.set(DEMO_ADMIN_PASSWORD_SETTING, adminPassword, { secret: true })
  }
  await ensureAdminUser(store, DEMO_ADMIN, adminPassword)
  return { apiKey, admin: { name: DEMO_ADMIN, password: adminPassword } }
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]'
}
