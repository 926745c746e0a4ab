// Keeps each connection's Salesforce token sealed in the store, so that a restarted server (or a
// CLI command) reuses it instead of logging in again. A token is tied to the login it came from
// (login URL, flow, consumer key, user, and a digest of the credentials): after an edit of any of
// them the stored token is ignored and the next call logs in, so a bad edit shows at once.
import { createHash } from 'node:crypto'
import type { TokenInfo, TokenStore } from '../../salesforce/index.js'
import type { ConnectionCredentials, SettingRepository } from '../../store/index.js'

const PREFIX = 'token:'

interface Stored {
  login: string
  token: TokenInfo
}

/**
 * What identifies the login a token belongs to. The refresh token is left out: it rotates
 * under a live token, and a rotation must not throw that token away.
 */
function loginOf(c: ConnectionCredentials): string {
  const credentials = createHash('sha256')
    .update(JSON.stringify([c.password, c.securityToken, c.clientSecret, c.privateKey]))
    .digest('base64url')
  return [c.loginUrl, c.authFlow, c.clientId ?? '', c.username ?? '', credentials].join('|')
}

/** The token store of one connection, in the store's sealed settings. */
export function storedTokens(settings: SettingRepository, c: ConnectionCredentials): TokenStore {
  const login = loginOf(c)
  const key = `${PREFIX}${c.id}`
  return {
    async load() {
      const text = await settings.get(key)
      if (text === undefined) return undefined
      const stored = JSON.parse(text) as Stored
      return stored.login === login ? stored.token : undefined
    },
    async save(_key, token) {
      await settings.set(key, JSON.stringify({ login, token } satisfies Stored), { secret: true })
    },
    async delete() {
      await settings.delete(key)
    },
  }
}

/** Forgets the stored token of a removed connection. */
export async function forgetStoredToken(
  settings: SettingRepository,
  connectionId: string,
): Promise<void> {
  await settings.delete(`${PREFIX}${connectionId}`)
}
