// Ping: each step of reaching Salesforce through a stored connection, reported separately so an
// operator sees which one fails: login, the API version offered, one authenticated call.
// A fresh client is used, so the ping proves the stored credentials log in now.
import { clientFor } from '../../runtime/index.js'
import type { AdminContext } from '../admin-context.js'

export interface PingStep {
  name: 'login' | 'version' | 'call'
  ok: boolean
  detail: string
}

/** The token response's public parts; the access token never leaves the server. */
export interface PingToken {
  instanceUrl: string
  id: string
  issuedAt: string
  /** True when `signature` matched HMAC-SHA256(consumer secret, id + issued_at). */
  signatureVerified: boolean
}

export interface PingResult {
  connection: string
  ok: boolean
  active: boolean
  steps: PingStep[]
  token: PingToken | null
}

type Client = ReturnType<typeof clientFor>

function text(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export async function pingConnection(ctx: AdminContext, name: string): Promise<PingResult> {
  const info = await ctx.store.connections.get(name)
  const result: PingResult = {
    connection: info.name,
    ok: false,
    active: info.active,
    steps: [],
    token: null,
  }
  const creds = await ctx.store.connections.credentials(name)
  let client: Client
  try {
    client = clientFor(creds, ctx.log, { timeoutMs: 15_000 })
  } catch (err) {
    result.steps.push({ name: 'login', ok: false, detail: text(err) })
    return result
  }
  try {
    await steps(client, info.apiVersion, result)
    await ctx.usage.record(info.name, client.limits)
  } finally {
    await client.close()
  }
  result.ok = result.steps.length === 3 && result.steps.every((s) => s.ok)
  return result
}

async function steps(client: Client, apiVersion: string, result: PingResult): Promise<void> {
  try {
    const token = await client.login()
    result.token = {
      instanceUrl: token.instanceUrl,
      id: token.id,
      issuedAt: token.issuedAt,
      signatureVerified: token.signatureVerified === true,
    }
    result.steps.push({ name: 'login', ok: true, detail: `got a token for ${token.instanceUrl}` })
  } catch (err) {
    // LoginError messages already say what Salesforce answered and what to check (§1.9).
    result.steps.push({ name: 'login', ok: false, detail: text(err) })
    return
  }
  try {
    const versions = await client.get<{ version: string }[]>('/services/data/')
    // A version the org does not offer would fail every call later (a Zato ping passes anyway).
    if (!versions.some((v) => v.version === apiVersion)) {
      const newest = versions.at(-1)?.version ?? 'none'
      result.steps.push({
        name: 'version',
        ok: false,
        detail: `API version ${apiVersion} is not offered (newest: ${newest}); edit the connection's API version`,
      })
      return
    }
    result.steps.push({ name: 'version', ok: true, detail: `API version ${apiVersion} is offered` })
  } catch (err) {
    result.steps.push({ name: 'version', ok: false, detail: `${text(err)}; check the login URL` })
    return
  }
  try {
    const limits = await client.get<Record<string, { Max: number; Remaining: number }>>('/limits')
    const daily = limits.DailyApiRequests
    result.steps.push({
      name: 'call',
      ok: true,
      detail: daily
        ? `GET /limits answered: ${daily.Remaining} of ${daily.Max} daily API requests left`
        : 'GET /limits answered',
    })
  } catch (err) {
    const status = (err as { status?: unknown }).status
    const hint =
      status === 403 ? '; the user may lack "API Enabled", or the org is out of API requests' : ''
    result.steps.push({ name: 'call', ok: false, detail: text(err) + hint })
  }
}
