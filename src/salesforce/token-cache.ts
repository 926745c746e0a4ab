// Where tokens live between calls (TokenCache, memory by default; Redis can implement it for a
// cluster) and an optional persistence hook (TokenStore) so a restart need not log in again.
// Logins themselves are ordered by a LoginLock and paced by a LoginCooldown, beside this file.

import type { TokenInfo } from './token-info.js'

/**
 * A shared place for one token per key. Async so that a network cache (Redis) fits.
 * `delete` with `ifAccessToken` is compare-and-delete: it removes the entry only while it
 * still holds that access token, so a caller whose old token failed cannot throw away a
 * fresh token another caller (or another node) just stored.
 */
export interface TokenCache {
  get(key: string): Promise<TokenInfo | undefined>
  set(key: string, token: TokenInfo): Promise<void>
  /** Returns true when an entry was removed. */
  delete(key: string, ifAccessToken?: string): Promise<boolean>
}

/** Persistence of the last token (the runtime passes an encrypted store). */
export interface TokenStore {
  load(key: string): Promise<TokenInfo | undefined>
  save(key: string, token: TokenInfo): Promise<void>
  delete(key: string): Promise<void>
}

/** The default cache: a Map in this process. */
export class MemoryTokenCache implements TokenCache {
  private readonly tokens = new Map<string, TokenInfo>()

  get(key: string): Promise<TokenInfo | undefined> {
    return Promise.resolve(this.tokens.get(key))
  }

  set(key: string, token: TokenInfo): Promise<void> {
    this.tokens.set(key, token)
    return Promise.resolve()
  }

  delete(key: string, ifAccessToken?: string): Promise<boolean> {
    const current = this.tokens.get(key)
    if (!current || (ifAccessToken !== undefined && current.accessToken !== ifAccessToken)) {
      return Promise.resolve(false)
    }
    this.tokens.delete(key)
    return Promise.resolve(true)
  }
}
