// One token per connection: reused until Salesforce refuses it, single-flight login (in this
// process, and across processes through the LoginLock), compare-and-delete invalidation, and a
// cooldown after a failed login (shared through the LoginCooldown). It is the client's auth
// seam (TokenProvider): the request pipeline and any other transport use it alike.

import { LoginError } from './login-error.js'
import { requestToken } from './oauth-token-request.js'
import { fullJitterDelay } from './retry-policy.js'
import { MemoryTokenCache } from './token-cache.js'
import type { TokenCache } from './token-cache.js'
import { MemoryLoginLock } from './login-lock.js'
import type { LoginLock } from './login-lock.js'
import { MemoryLoginCooldown } from './login-cooldown.js'
import type { LoginCooldown, LoginFailure } from './login-cooldown.js'
import type { TokenProvider } from './token-provider.js'
import type { HttpTransport } from './http-transport.js'
import type { ResolvedOptions } from './client-options.js'
import type { TokenInfo } from './token-info.js'
import type { LoginEvent } from './client-events.js'

const MAX_COOLDOWN_MS = 5 * 60_000
const TRANSIENT_STATUS = new Set([502, 503, 504])

export class TokenManager implements TokenProvider {
  /** The access token Salesforce last refused (401) to this client: never adopted again. */
  private refused: string | undefined
  /** The token this process last used: read without a cache round trip on the hot path. */
  local: TokenInfo | undefined
  private readonly cache: TokenCache
  private readonly lock: LoginLock
  private readonly cooldown: LoginCooldown
  private inflight: Promise<TokenInfo> | undefined
  private refreshToken: string | undefined
  private storeChecked = false

  constructor(
    private readonly o: ResolvedOptions,
    private readonly transport: HttpTransport,
    private readonly onLogin: (event: LoginEvent) => void,
  ) {
    this.cache = o.tokenCache ?? new MemoryTokenCache()
    this.lock = o.loginLock ?? new MemoryLoginLock()
    this.cooldown = o.loginCooldown ?? new MemoryLoginCooldown()
    this.refreshToken = o.auth.flow === 'refresh_token' ? o.auth.refreshToken : undefined
  }

  peek(): TokenInfo | undefined {
    return this.local
  }

  /** The current token; concurrent callers without one share one lookup or login. */
  current(): Promise<TokenInfo> {
    if (this.local) return Promise.resolve(this.local)
    this.inflight ??= this.obtain(false).finally(() => {
      this.inflight = undefined
    })
    return this.inflight
  }

  /** A fresh login, whatever the cache holds (waits for a login already in flight first). */
  async login(): Promise<TokenInfo> {
    if (this.inflight) await this.inflight.catch(() => undefined)
    this.inflight ??= this.obtain(true).finally(() => {
      this.inflight = undefined
    })
    return this.inflight
  }

  /**
   * Forgets `failed` if it is still the current token. A newer token (another caller's fresh
   * login) is kept, so N callers failing with the same old token cost one login, not N.
   */
  async invalidate(failed: TokenInfo | string): Promise<void> {
    const accessToken = typeof failed === 'string' ? failed : failed.accessToken
    this.refused = accessToken
    if (this.local?.accessToken === accessToken) this.local = undefined
    await this.cache.delete(this.o.tokenKey, accessToken)
  }

  /** Drops the token everywhere (after revoke). */
  async clear(): Promise<void> {
    this.local = undefined
    await this.cache.delete(this.o.tokenKey)
    await this.o.tokenStore?.delete(this.o.tokenKey)
  }

  /** The refresh token in use now (rotated ones replace the configured one). */
  get currentRefreshToken(): string | undefined {
    return this.refreshToken
  }

  private async obtain(force: boolean): Promise<TokenInfo> {
    if (!force) {
      const found = await this.lookup()
      if (found) return found
    }
    return this.lock.run(this.o.tokenKey, async () => {
      // Another client or process may have logged in while we waited for the lock.
      const found = force ? undefined : this.usable(await this.cache.get(this.o.tokenKey))
      if (found) return this.adopt(found)
      return this.doLogin(force)
    })
  }

  private async lookup(): Promise<TokenInfo | undefined> {
    const cached = this.usable(await this.cache.get(this.o.tokenKey))
    if (cached) return this.adopt(cached)
    if (this.o.tokenStore && !this.storeChecked) {
      // Once per client: a token saved before a restart avoids a login.
      this.storeChecked = true
      const stored = await this.o.tokenStore.load(this.o.tokenKey).catch((err: unknown) => {
        this.o.logger?.warn(
          { connection: this.o.name, err: String(err) },
          'token store load failed',
        )
        return undefined
      })
      if (stored && this.usable(stored)) {
        await this.cache.set(this.o.tokenKey, stored)
        return this.adopt(stored)
      }
    }
    return undefined
  }

  /**
   * The token, unless Salesforce refused it to this client already. A refused token can come
   * back: the token store keeps the last one saved, and another process may put it in the shared
   * cache again after reading it from there; taking it up would spend a call's re-login on a
   * dead session.
   */
  private usable(token: TokenInfo | undefined): TokenInfo | undefined {
    return token && token.accessToken !== this.refused ? token : undefined
  }

  private adopt(token: TokenInfo): TokenInfo {
    if (token.refreshToken) this.refreshToken = token.refreshToken
    this.local = token
    return token
  }

  /**
   * A token request is safe to send again, so a login host that is briefly unreachable or
   * answers 502/503/504 gets the client's retry settings; refusals are not retried.
   */
  private async requestWithRetry(): Promise<TokenInfo> {
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.o.retry
    for (let attempt = 1; ; attempt++) {
      try {
        return await requestToken(this.transport, this.o, this.refreshToken)
      } catch (err) {
        const transient =
          err instanceof LoginError &&
          err.code === 'LOGIN_UNAVAILABLE' &&
          (err.status === undefined || TRANSIENT_STATUS.has(err.status))
        if (!transient || attempt >= maxAttempts) throw err
        const delayMs = fullJitterDelay(attempt, baseDelayMs, maxDelayMs)
        this.o.logger?.warn(
          { connection: this.o.name, attempt, delayMs, status: err.status },
          'salesforce login retried',
        )
        await new Promise((resolve) => setTimeout(resolve, delayMs))
      }
    }
  }

  private async doLogin(force: boolean): Promise<TokenInfo> {
    const key = this.o.tokenKey
    const now = this.o.now()
    const failure: LoginFailure | undefined = await this.cooldown.get(key)
    // A refused login is not retried in a tight loop: Salesforce locks a user out after
    // about 3,600 logins an hour (lessons-from-peers.md). A forced login() skips the wait.
    if (!force && failure && now < failure.until) throw failure.error
    const started = performance.now()
    const flow = this.o.auth.flow
    let token: TokenInfo
    try {
      token = await this.requestWithRetry()
    } catch (err) {
      const error = err instanceof LoginError ? err : wrapUnexpected(err, this.o)
      const count = (failure?.count ?? 0) + 1
      const wait = Math.min(this.o.loginFailureCooldownMs * 2 ** (count - 1), MAX_COOLDOWN_MS)
      await this.cooldown.set(key, { error, until: this.o.now() + wait, count })
      this.onLogin({
        connection: this.o.name,
        flow,
        ok: false,
        durationMs: performance.now() - started,
        code: error.code,
      })
      throw error
    }
    if (failure) await this.cooldown.clear(key)
    if (
      flow === 'refresh_token' &&
      token.refreshToken &&
      token.refreshToken !== this.refreshToken
    ) {
      // Rotation: the old refresh token is dead now, so the new one must be kept and handed
      // to the owner. A failing hook is logged; failing the call would not revive the old one.
      this.refreshToken = token.refreshToken
      try {
        await this.o.onRefreshTokenRotated?.(token.refreshToken)
      } catch (err) {
        this.o.logger?.error(
          { connection: this.o.name, err: String(err) },
          'onRefreshTokenRotated failed; the new refresh token may not be persisted',
        )
      }
    }
    this.local = token
    await this.cache.set(this.o.tokenKey, token)
    if (this.o.tokenStore) {
      await this.o.tokenStore.save(this.o.tokenKey, token).catch((err: unknown) => {
        this.o.logger?.warn(
          { connection: this.o.name, err: String(err) },
          'token store save failed',
        )
      })
    }
    this.onLogin({
      connection: this.o.name,
      flow,
      ok: true,
      durationMs: performance.now() - started,
      instanceUrl: token.instanceUrl,
    })
    return token
  }
}

function wrapUnexpected(err: unknown, o: ResolvedOptions): LoginError {
  return new LoginError('LOGIN_FAILED', `the login could not be prepared (${String(err)})`, {
    connection: o.name,
    flow: o.auth.flow,
    cause: err,
  })
}
