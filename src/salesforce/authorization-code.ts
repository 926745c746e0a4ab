// The web-server flow (OAuth 2.0 authorization code grant) with PKCE, for a tool that
// authorises an org once and keeps its refresh token: the authorize URL, a PKCE pair, and the
// code exchange at /services/oauth2/token (SF-REST "Web Server Flow", RFC 7636).

import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import { isLoopbackHost } from './client-options.js'
import { HttpTransport } from './http-transport.js'
import { SalesforceError } from './salesforce-error.js'
import { sendTokenForm } from './token-endpoint.js'
import type { TokenInfo } from './token-info.js'

/** A PKCE verifier and its S256 challenge. Keep the verifier until the code exchange. */
export interface PkcePair {
  /** 43–128 characters of base64url (RFC 7636 §4.1). */
  verifier: string
  /** base64url(SHA-256(verifier)), sent to /services/oauth2/authorize. */
  challenge: string
  method: 'S256'
}

/**
 * Makes a PKCE pair from `bytes` random bytes (32 to 96: a verifier of 43 to 128 characters).
 * Default 32.
 */
export function createPkcePair(bytes = 32): PkcePair {
  if (!Number.isInteger(bytes) || bytes < 32 || bytes > 96) {
    throw new SalesforceError(
      'INVALID_OPTIONS',
      `a PKCE verifier needs 32 to 96 random bytes (43 to 128 characters), not ${bytes}`,
      { connection: 'salesforce' },
    )
  }
  const verifier = randomBytes(bytes).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  return { verifier, challenge, method: 'S256' }
}

export interface AuthorizeUrlOptions {
  /** https://login.salesforce.com, https://test.salesforce.com or a My Domain. */
  loginUrl: string
  /** Consumer key of the connected app or External Client App. */
  clientId: string
  /** A callback URL of the app, exactly as registered. */
  redirectUri: string
  /** Space-separated scopes. Default `api refresh_token`. */
  scope?: string
  /** A random value the callback must bring back unchanged (CSRF protection). */
  state: string
  /** The PKCE challenge (S256); leave out only for an app that does not use PKCE. */
  codeChallenge?: string
}

const nonEmpty = z.string().min(1)
const loginUrlSchema = z.url({ protocol: /^https?$/ })
const authorizeSchema = z.object({
  loginUrl: loginUrlSchema,
  clientId: nonEmpty,
  redirectUri: z.url({ protocol: /^https?$/ }),
  scope: nonEmpty.optional(),
  state: nonEmpty,
  codeChallenge: nonEmpty.optional(),
})

/** Validates once; INVALID_OPTIONS names the bad field (never its value). */
function parse<T>(schema: z.ZodType<T>, options: unknown, what: string, connection: string): T {
  const parsed = schema.safeParse(options)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.join('.') || 'options'
    throw new SalesforceError(
      'INVALID_OPTIONS',
      `${what}: option '${field}' is invalid (${issue?.message ?? 'bad value'})`,
      { connection },
    )
  }
  return parsed.data
}

/** The login host without a trailing slash; http only on loopback (credentials travel here). */
function loginBase(loginUrl: string, what: string, connection: string): string {
  const url = new URL(loginUrl)
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new SalesforceError(
      'INVALID_OPTIONS',
      `${what}: option 'loginUrl' uses http on a non-loopback host; use https`,
      { connection },
    )
  }
  return url.origin + url.pathname.replace(/\/+$/, '')
}

/**
 * The URL to open in a browser: Salesforce's login and consent pages, which then redirect to
 * `redirectUri` with `code` and `state` (or `error` and `error_description`).
 *
 * @example
 * const pkce = createPkcePair()
 * const url = authorizeUrl({ loginUrl, clientId, redirectUri, state, codeChallenge: pkce.challenge })
 */
export function authorizeUrl(options: AuthorizeUrlOptions): string {
  const o = parse(authorizeSchema, options, 'authorize URL', 'salesforce')
  const params: [string, string][] = [
    ['response_type', 'code'],
    ['client_id', o.clientId],
    ['redirect_uri', o.redirectUri],
    ['scope', o.scope ?? 'api refresh_token'],
    ['state', o.state],
  ]
  if (o.codeChallenge !== undefined) {
    params.push(['code_challenge', o.codeChallenge], ['code_challenge_method', 'S256'])
  }
  // %20 rather than URLSearchParams' `+` between scopes: both are read as a space, %20 by all.
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
  return `${loginBase(o.loginUrl, 'authorize URL', 'salesforce')}/services/oauth2/authorize?${query}`
}

export interface AuthorizationCodeExchange {
  loginUrl: string
  clientId: string
  /** Needed when the app requires the secret for the web-server flow, or without PKCE. */
  clientSecret?: string
  /** The `code` the callback received. */
  code: string
  /** The same redirect URI as in the authorize URL. */
  redirectUri: string
  /** The PKCE verifier whose challenge was in the authorize URL. */
  codeVerifier?: string
  /** Name for messages. Default 'salesforce'. */
  name?: string
  /** Default 120,000 ms. */
  timeoutMs?: number
}

const exchangeSchema = z.object({
  loginUrl: loginUrlSchema,
  clientId: nonEmpty,
  clientSecret: nonEmpty.optional(),
  code: nonEmpty,
  redirectUri: z.url({ protocol: /^https?$/ }),
  codeVerifier: z
    .string()
    .regex(/^[A-Za-z0-9\-._~]{43,128}$/, 'expected 43 to 128 characters of [A-Za-z0-9-._~]')
    .optional(),
  name: nonEmpty.default('salesforce'),
  timeoutMs: z.number().int().positive().default(120_000),
})

/**
 * Exchanges an authorization code for tokens (grant_type=authorization_code). The answer
 * carries a `refreshToken` when the app's scopes include refresh_token (offline access); the
 * signature is checked when the secret is given. Fails with a LoginError like any login.
 */
export async function exchangeAuthorizationCode(
  options: AuthorizationCodeExchange,
): Promise<TokenInfo> {
  const name = typeof options?.name === 'string' && options.name ? options.name : 'salesforce'
  const o = parse(exchangeSchema, options, `connection '${name}'`, name)
  const loginUrl = loginBase(o.loginUrl, `connection '${o.name}'`, o.name)
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: o.code,
    redirect_uri: o.redirectUri,
    client_id: o.clientId,
  })
  if (o.codeVerifier !== undefined) form.set('code_verifier', o.codeVerifier)
  if (o.clientSecret !== undefined) form.set('client_secret', o.clientSecret)
  const transport = new HttpTransport(o.timeoutMs)
  try {
    return await sendTokenForm(
      transport,
      { loginUrl, name: o.name, timeoutMs: o.timeoutMs, now: Date.now },
      { flow: 'authorization_code', form, clientSecret: o.clientSecret },
    )
  } finally {
    await transport.close(0)
  }
}
