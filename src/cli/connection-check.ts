// `connection ping` and `connection token`, and the check `connection add|edit` make before
// storing: each step of reaching Salesforce, reported with ✓/✗, and on failure what to check.
import { clientFor } from '../runtime/connections/index.js'
import { LoginError, SalesforceApiError, type SalesforceClient } from '../salesforce/index.js'
import type { ConnectionCredentials } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'
import type { CliContext } from './cli-context.js'

const ok = (text: string) => console.log(`✓ ${text}`)
const fail = (text: string) => console.log(`✗ ${text}`)

async function openClient(ctx: CliContext, name: string): Promise<SalesforceClient> {
  const creds = await ctx.store.connections.credentials(name)
  // With refresh token rotation a login revokes the stored refresh token: keep the new one.
  return clientFor(creds, ctx.log, { repo: ctx.store.connections })
}

/** Why a login failed and what to check, in the operator's words, without the name prefix. */
function loginAdvice(err: unknown, name: string): string {
  if (err instanceof LoginError) {
    if (
      err.error === 'invalid_grant' &&
      /authentication failure/i.test(err.errorDescription ?? '')
    ) {
      // salesforce-api.md §1.3/§1.9: Salesforce answers the same for bad credentials, a missing
      // security token, an IP outside the trusted ranges, and a blocked username-password flow.
      return `${err.error}: ${err.errorDescription}; check the username, the password and the security token, the IP restrictions of the user's profile and the connected app, and whether the org allows the username-password flow (Setup → OAuth and OpenID Connect Settings)`
    }
    const prefix = `connection '${name}': `
    return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message
  }
  return err instanceof Error ? err.message : String(err)
}

/** Where each step's outcome goes, and how to tell the operator to fix the API version. */
interface CheckOutput {
  ok(text: string): void
  fixVersion(newest: string): string
}

/**
 * Logs in, checks the API version, makes one authenticated call; returns what failed (with
 * what to check), or undefined when all passed.
 */
async function runChecks(
  client: SalesforceClient,
  c: { name: string; apiVersion: string; username?: string; clientId?: string },
  out: CheckOutput,
): Promise<string | undefined> {
  let instanceUrl: string
  try {
    const token = await client.login()
    instanceUrl = token.instanceUrl
    out.ok(`login: got a token for ${c.username ?? c.clientId ?? ''} on ${token.instanceUrl}`)
  } catch (err) {
    return `login: ${loginAdvice(err, c.name)}`
  }
  try {
    const versions = await client.get<{ version: string }[]>('/services/data/')
    if (!versions.some((v) => v.version === c.apiVersion)) {
      const newest = versions.at(-1)?.version ?? 'none'
      return `API version ${c.apiVersion} is not offered by ${instanceUrl} (newest: ${newest}); ${out.fixVersion(newest)}`
    }
    out.ok(`API version ${c.apiVersion} is available`)
  } catch (err) {
    return `API versions: ${err instanceof Error ? err.message : String(err)}; check the login URL`
  }
  try {
    const limits = await client.get<Record<string, { Max: number; Remaining: number }>>('/limits')
    const daily = limits.DailyApiRequests
    out.ok(
      `authenticated call /limits answered${daily ? ` (daily API requests: ${daily.Remaining} of ${daily.Max} left)` : ''}`,
    )
  } catch (err) {
    const hint =
      err instanceof SalesforceApiError && err.status === 403
        ? '; the user may lack the "API Enabled" permission, or the org its API limit'
        : ''
    return `authenticated call: ${err instanceof Error ? err.message : String(err)}${hint}`
  }
  return undefined
}

/** Runs the three checks; true when all pass. */
export async function pingConnection(ctx: CliContext, name: string): Promise<boolean> {
  const info = await ctx.store.connections.get(name)
  console.log(
    `Connection '${info.name}' (${info.authFlow} flow, ${info.loginUrl}, API ${info.apiVersion})`,
  )
  if (!info.active) fail('the connection is inactive; services cannot use it until it is activated')
  const client = await openClient(ctx, name)
  try {
    const failed = await runChecks(client, info, {
      ok,
      fixVersion: (newest) =>
        `change it with \`forcebridge connection edit '${name}' --api-version ${newest}\``,
    })
    if (failed) fail(failed)
    return failed === undefined && info.active
  } finally {
    await client.close()
  }
}

/**
 * Checks a connection that is not stored (yet, or in this version) with the same three steps,
 * printing each step that passes; returns what failed, or undefined. Nothing is stored: not
 * the connection, not its token.
 */
export async function checkUnsaved(
  creds: ConnectionCredentials,
  log: CliContext['log'],
): Promise<string | undefined> {
  console.log(
    `Checking connection '${creds.name}' (${creds.authFlow} flow, ${creds.loginUrl}, API ${creds.apiVersion})`,
  )
  const client = clientFor(creds, log)
  try {
    return await runChecks(client, creds, {
      ok,
      fixVersion: (newest) => `give --api-version ${newest}`,
    })
  } finally {
    await client.close()
  }
}

/**
 * Logs in and prints the token response as Salesforce sends it (the seed's curl), the access
 * token masked: a terminal's scrollback, a CI log or a pasted screenshot must not carry a live
 * session. `reveal` prints it whole, for the operator who asked for it by name.
 */
export async function printToken(
  ctx: CliContext,
  name: string,
  options: { reveal?: boolean } = {},
): Promise<void> {
  const client = await openClient(ctx, name)
  try {
    let token
    try {
      token = await client.login()
    } catch (err) {
      throw new ForcebridgeError(
        'LOGIN_FAILED',
        `connection '${name}': ${loginAdvice(err, name)}`,
        {
          cause: err,
        },
      )
    }
    const answer: Record<string, string> = {
      access_token: options.reveal ? token.accessToken : maskToken(token.accessToken),
      instance_url: token.instanceUrl,
      id: token.id,
      token_type: token.tokenType,
      issued_at: token.issuedAt,
    }
    if (token.scope !== undefined) answer.scope = token.scope
    if (token.signature !== undefined) answer.signature = token.signature
    console.log(JSON.stringify(answer, null, 2))
    if (!options.reveal) console.error('(access token masked; --reveal prints it whole)')
    // The client refuses a login whose signature does not match (LOGIN_SIGNATURE_INVALID).
    if (token.signatureVerified)
      console.error('✓ signature verified: HMAC-SHA256(consumer secret, id + issued_at)')
    else
      console.error(
        '✗ signature not checked: the answer carried none, or the flow has no consumer secret',
      )
  } finally {
    await client.close()
  }
}

/** The org-id prefix and the last four characters: enough to tell two tokens apart, not to use one. */
export function maskToken(token: string): string {
  const bang = token.indexOf('!')
  const prefix = bang > 0 && bang <= 18 ? token.slice(0, bang + 1) : ''
  return `${prefix}...${token.slice(-4)}`
}
