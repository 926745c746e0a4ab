// What `connection authorize` runs with: its flags validated once, and the connection's stored
// login URL, consumer key and secret, which the flags override.
import { z } from 'zod'
import { parseConnectionInput } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'
import { withStore } from './cli-context.js'
import { DEFAULT_LOGIN_URL } from './login-host-rule.js'
import { secretFromEnv } from './secret-input.js'

const flagsSchema = z.object({
  loginUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  clientId: z.string().trim().min(1, 'must not be empty').optional(),
  clientSecretEnv: z.string().min(1, 'must not be empty').optional(),
  callbackPort: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be 0 to 65535')
    .max(65_535, 'must be 0 to 65535'),
  scope: z
    .string()
    .trim()
    .refine(
      (s) => /(^|\s)(refresh_token|offline_access)(\s|$)/.test(s),
      'must include refresh_token (or offline_access): without it Salesforce issues no refresh token',
    ),
  browser: z.boolean(),
  timeout: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1 second')
    .max(86_400, 'must be at most 86400 seconds'),
})
export type AuthorizeFlags = z.output<typeof flagsSchema>

const FLAG_NAMES: Record<string, string> = {
  loginUrl: '--login-url',
  clientId: '--client-id',
  clientSecretEnv: '--client-secret-env',
  callbackPort: '--callback-port',
  scope: '--scope',
  timeout: '--timeout',
}

export function parseFlags(raw: unknown): AuthorizeFlags {
  const parsed = flagsSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const lines = parsed.error.issues.map((i) => {
    const key = String(i.path[0] ?? '')
    return `${FLAG_NAMES[key] ?? key} ${i.message}`
  })
  throw new ForcebridgeError('INVALID_ARGUMENTS', lines.join('; '), { cause: parsed.error })
}

/** What the authorization runs with: the connection's settings, overridden by the flags. */
export interface AuthorizePlan {
  name: string
  exists: boolean
  loginUrl: string
  clientId: string
  clientSecret: string | undefined
  /** True when the secret came from --client-secret-env (and so is saved). */
  secretGiven: boolean
}

function checkLoginUrl(loginUrl: string): void {
  const host = new URL(loginUrl).hostname
  const loopback = host === 'localhost' || host.startsWith('127.') || host === '[::1]'
  if (new URL(loginUrl).protocol === 'http:' && !loopback) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `--login-url ${loginUrl}: http is accepted only on loopback; use https`,
    )
  }
  if (host.endsWith('.lightning.force.com')) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `--login-url ${loginUrl} is a Lightning address; use the My Domain login URL (https://<name>.my.salesforce.com), https://login.salesforce.com or https://test.salesforce.com`,
    )
  }
}

export async function plan(name: string, flags: AuthorizeFlags): Promise<AuthorizePlan> {
  const flagSecret = flags.clientSecretEnv
    ? secretFromEnv(flags.clientSecretEnv, '--client-secret-env')
    : undefined
  const current = await withStore(async ({ store }) =>
    (await store.connections.find(name)) ? store.connections.credentials(name) : undefined,
  )
  const clientId = flags.clientId ?? current?.clientId
  if (clientId === undefined) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      current
        ? `connection '${name}' has no consumer key; give --client-id <consumer key of the connected app>`
        : `connection '${name}' does not exist yet; give --client-id <consumer key of the connected app> to create it`,
    )
  }
  const loginUrl = (flags.loginUrl ?? current?.loginUrl ?? DEFAULT_LOGIN_URL).replace(/\/+$/, '')
  checkLoginUrl(loginUrl)
  const clientSecret = flagSecret ?? current?.clientSecret
  if (!current) {
    // A bad name fails now, not after the user has logged in.
    parseConnectionInput({ name, loginUrl, authFlow: 'refresh_token', clientId, refreshToken: '-' })
  }
  return {
    name,
    exists: current !== undefined,
    loginUrl,
    clientId,
    clientSecret,
    secretGiven: flagSecret !== undefined,
  }
}
