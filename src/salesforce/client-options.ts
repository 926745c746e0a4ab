// Options of createClient: types, defaults in one place, validated once with zod and frozen.

import { z } from 'zod'
import { SalesforceError } from './salesforce-error.js'
import type { TokenCache, TokenStore } from './token-cache.js'
import type { LoginLock } from './login-lock.js'
import type { LoginCooldown } from './login-cooldown.js'
import type { ClientLogger } from './client-events.js'

export interface PasswordAuth {
  flow: 'password'
  username: string
  password: string
  /** Appended to the password with no separator; leave out when the caller's IP is trusted. */
  securityToken?: string
  clientId: string
  clientSecret: string
}
export interface ClientCredentialsAuth {
  flow: 'client_credentials'
  clientId: string
  clientSecret: string
  /** How the client authenticates at the token endpoint. Default `'body'`. */
  clientAuth?: 'body' | 'basic'
}
export interface JwtBearerAuth {
  flow: 'jwt_bearer'
  clientId: string
  username: string
  /** PEM private key (PKCS#8 or PKCS#1) whose certificate is uploaded to the app. */
  privateKey: string
  /** JWT `aud`; default derived from loginUrl (login or test host, or the loopback URL). */
  audience?: string
}
export interface RefreshTokenAuth {
  flow: 'refresh_token'
  clientId: string
  clientSecret?: string
  refreshToken: string
}
export type ClientAuth = PasswordAuth | ClientCredentialsAuth | JwtBearerAuth | RefreshTokenAuth

export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number
  /** Base of the exponential backoff (full jitter). Default 200 ms. */
  baseDelayMs?: number
  /** Cap of one backoff delay, and of a Retry-After we agree to wait. Default 10,000 ms. */
  maxDelayMs?: number
}

export interface ClientOptions {
  /** https://login.salesforce.com, https://test.salesforce.com, a My Domain, or a loopback URL. */
  loginUrl: string
  auth: ClientAuth
  /** Default '66.0'. */
  apiVersion?: string
  /** Connection name for messages and events. Default 'salesforce'. */
  name?: string
  /** Per call (all attempts, a login, backoff waits). Default 120,000 ms. */
  timeoutMs?: number
  /**
   * How long one attempt may wait for the answer's headers, or between two pieces of its body,
   * before it is given up and (for a call that may be retried: GET, HEAD, PUT, DELETE, or
   * `retry: 'always'`) sent again within `timeoutMs`. A call that may not be retried waits for
   * its whole deadline instead. Default 60,000 ms, never more than the call's `timeoutMs`.
   */
  attemptTimeoutMs?: number
  /** Calls in flight per client; more wait in a queue. Default 32. */
  maxConcurrency?: number
  retry?: RetryOptions
  /** New logins a single call may cause after a 401. Default 1. */
  maxReloginsPerCall?: number
  /** Fail at once with API_LIMIT_RESERVE when remaining daily requests fall below this. */
  limitReserve?: number
  /**
   * Where tokens live between calls; clients on one cache and `tokenKey` share one token.
   * Default: memory, per client. A cluster passes one shared by every node (Redis).
   */
  tokenCache?: TokenCache
  /** Orders logins per `tokenKey`, across processes when shared. Default: memory, per client. */
  loginLock?: LoginLock
  /** Remembers failed logins per `tokenKey`, across processes when shared. Default: memory, per client. */
  loginCooldown?: LoginCooldown
  /** Optional persistence so a restart need not log in again. */
  tokenStore?: TokenStore
  /** Key of this connection's token in the cache and store. Default derived from the settings. */
  tokenKey?: string
  /** Called with the new refresh token when Salesforce rotates it; persist it here. */
  onRefreshTokenRotated?: (newRefreshToken: string) => Promise<void> | void
  logger?: ClientLogger
  /**
   * After a failed login, calls fail at once with the same error for this long, doubling on
   * each consecutive failure up to 16 times (Salesforce locks a user out after ~3,600 logins
   * an hour). Default 2,000 ms.
   */
  loginFailureCooldownMs?: number
  /** Milliseconds since the epoch; tests inject their own clock. Default Date.now. */
  now?: () => number
  /**
   * `host:port` of the Pub/Sub API for `client.events`. Default `api.pubsub.salesforce.com:7443`
   * (TLS); a loopback host such as the emulator's `127.0.0.1:<port>` is spoken to in plaintext.
   */
  pubsubEndpoint?: string
}

/**
 * The token state clients can share: one token, one login at a time and one login cooldown per
 * `tokenKey`. A cluster passes implementations shared by every node (Redis).
 */
export type SharedTokenState = Pick<ClientOptions, 'tokenCache' | 'loginLock' | 'loginCooldown'>

const nonEmpty = z.string().min(1)
const authSchema = z.discriminatedUnion('flow', [
  z.object({
    flow: z.literal('password'),
    username: nonEmpty,
    password: nonEmpty,
    securityToken: z.string().optional(),
    clientId: nonEmpty,
    clientSecret: nonEmpty,
  }),
  z.object({
    flow: z.literal('client_credentials'),
    clientId: nonEmpty,
    clientSecret: nonEmpty,
    clientAuth: z.enum(['body', 'basic']).optional(),
  }),
  z.object({
    flow: z.literal('jwt_bearer'),
    clientId: nonEmpty,
    username: nonEmpty,
    privateKey: z.string().includes('PRIVATE KEY', { message: 'expected a PEM private key' }),
    audience: z.url().optional(),
  }),
  z.object({
    flow: z.literal('refresh_token'),
    clientId: nonEmpty,
    clientSecret: z.string().optional(),
    refreshToken: nonEmpty,
  }),
])

const fn = z.custom<(...args: never[]) => unknown>(
  (v) => typeof v === 'function',
  'expected a function',
)
const obj = z.custom<object>((v) => typeof v === 'object' && v !== null, 'expected an object')

const optionsSchema = z.object({
  loginUrl: z.url({ protocol: /^https?$/ }),
  auth: authSchema,
  apiVersion: z
    .string()
    .regex(/^\d{2,3}\.0$/, 'expected a version such as 66.0')
    .default('66.0'),
  name: nonEmpty.default('salesforce'),
  timeoutMs: z.number().int().positive().default(120_000),
  attemptTimeoutMs: z.number().int().positive().default(60_000),
  maxConcurrency: z.number().int().positive().default(32),
  retry: z
    .object({
      maxAttempts: z.number().int().min(1).default(3),
      baseDelayMs: z.number().min(0).default(200),
      maxDelayMs: z.number().min(0).default(10_000),
    })
    .default({ maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 10_000 }),
  maxReloginsPerCall: z.number().int().min(0).default(1),
  limitReserve: z.number().int().min(0).optional(),
  tokenCache: obj.optional(),
  loginLock: obj.optional(),
  loginCooldown: obj.optional(),
  tokenStore: obj.optional(),
  tokenKey: nonEmpty.optional(),
  onRefreshTokenRotated: fn.optional(),
  logger: obj.optional(),
  loginFailureCooldownMs: z.number().min(0).default(2_000),
  now: fn.optional(),
  pubsubEndpoint: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port')
    .optional(),
})

export interface ResolvedOptions {
  readonly loginUrl: string
  readonly auth: ClientAuth
  readonly apiVersion: string
  readonly name: string
  readonly timeoutMs: number
  readonly attemptTimeoutMs: number
  readonly maxConcurrency: number
  readonly retry: Readonly<Required<RetryOptions>>
  readonly maxReloginsPerCall: number
  readonly limitReserve: number | undefined
  readonly tokenCache: TokenCache | undefined
  readonly loginLock: LoginLock | undefined
  readonly loginCooldown: LoginCooldown | undefined
  readonly tokenStore: TokenStore | undefined
  readonly tokenKey: string
  readonly onRefreshTokenRotated: ClientOptions['onRefreshTokenRotated']
  readonly logger: ClientLogger | undefined
  readonly loginFailureCooldownMs: number
  readonly now: () => number
  readonly pubsubEndpoint: string | undefined
}

/** True for 127.0.0.1, ::1 and localhost: the only hosts where plain http is accepted. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    hostname === '::1' ||
    hostname.startsWith('127.')
  )
}

/** Validates once; throws INVALID_OPTIONS naming the bad field (never its value). */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const name = typeof options?.name === 'string' && options.name ? options.name : 'salesforce'
  const parsed = optionsSchema.safeParse(options)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.join('.') || 'options'
    throw new SalesforceError(
      'INVALID_OPTIONS',
      `connection '${name}': option '${field}' is invalid (${issue?.message ?? 'bad value'}); fix it and create the client again`,
      { connection: name },
    )
  }
  const o = parsed.data
  const login = new URL(o.loginUrl)
  if (login.protocol === 'http:' && !isLoopbackHost(login.hostname)) {
    throw new SalesforceError(
      'INVALID_OPTIONS',
      `connection '${o.name}': option 'loginUrl' uses http on a non-loopback host; credentials would travel in clear text, use https`,
      { connection: o.name },
    )
  }
  if (
    o.auth.flow === 'client_credentials' &&
    /^(login|test)\.salesforce\.com$/i.test(login.hostname)
  ) {
    // salesforce-api.md §1.1: the generic hosts answer invalid_client_id or unsupported_grant_type.
    throw new SalesforceError(
      'INVALID_OPTIONS',
      `connection '${o.name}': the client credentials flow needs the My Domain login URL (https://<name>.my.salesforce.com), not ${login.hostname}`,
      { connection: o.name },
    )
  }
  const loginUrl = login.origin + login.pathname.replace(/\/+$/, '')
  const user = 'username' in o.auth ? o.auth.username : ''
  return Object.freeze({
    loginUrl,
    auth: o.auth,
    apiVersion: o.apiVersion,
    name: o.name,
    timeoutMs: o.timeoutMs,
    attemptTimeoutMs: o.attemptTimeoutMs,
    maxConcurrency: o.maxConcurrency,
    retry: Object.freeze(o.retry),
    maxReloginsPerCall: o.maxReloginsPerCall,
    limitReserve: o.limitReserve,
    tokenCache: options.tokenCache,
    loginLock: options.loginLock,
    loginCooldown: options.loginCooldown,
    tokenStore: options.tokenStore,
    // No secret in the key: it may be a Redis key or a database row id.
    tokenKey: o.tokenKey ?? `${loginUrl}|${o.auth.flow}|${o.auth.clientId}|${user}`,
    onRefreshTokenRotated: options.onRefreshTokenRotated,
    logger: options.logger,
    loginFailureCooldownMs: o.loginFailureCooldownMs,
    now: options.now ?? Date.now,
    pubsubEndpoint: o.pubsubEndpoint,
  })
}
