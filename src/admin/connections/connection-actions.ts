// Connection actions shared by the admin API and the dashboard: list, get (with API usage),
// create, update and delete, each audited. Secrets are write-only: a blank or missing secret
// keeps the stored one, and no answer ever holds one.
import { z } from 'zod'
import { SECRET_FIELDS, type ConnectionInfo, type SecretField } from '../../store/index.js'
import type { AdminContext } from '../admin-context.js'
import type { UsagePoint } from '../../runtime/index.js'

export interface ConnectionView extends ConnectionInfo {
  usage: UsagePoint[]
}

const FIELDS = [
  'name',
  'active',
  'loginUrl',
  'apiVersion',
  'authFlow',
  'username',
  'clientId',
] as const

// The store validates the connection itself (with one message per field); the edge only checks
// the shape, so an unknown field is refused rather than silently ignored.
const fieldValue = z.union([z.string(), z.boolean(), z.null()]).optional()
const bodySchema = z
  .object({
    ...Object.fromEntries([...FIELDS, ...SECRET_FIELDS].map((f) => [f, fieldValue])),
    clearSecrets: z.array(z.enum(SECRET_FIELDS)).optional(),
  })
  .strict()

function isSecret(field: string): field is SecretField {
  return (SECRET_FIELDS as readonly string[]).includes(field)
}

export async function listConnections(ctx: AdminContext): Promise<ConnectionView[]> {
  const list = await ctx.store.connections.list()
  await sampleUsage(ctx, list)
  return Promise.all(list.map(async (c) => ({ ...c, usage: await ctx.usage.series(c.name) })))
}

export async function getConnection(ctx: AdminContext, name: string): Promise<ConnectionView> {
  const info = await ctx.store.connections.get(name)
  await sampleUsage(ctx, [info])
  return { ...info, usage: await ctx.usage.series(info.name) }
}

export async function createConnection(
  ctx: AdminContext,
  actor: string,
  raw: unknown,
): Promise<ConnectionInfo> {
  const body = bodySchema.parse(raw)
  const input: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(body) as [string, unknown][]) {
    // Form inputs send '' for a field left empty: that means "not given".
    if (k !== 'clearSecrets' && v !== '' && v !== null && v !== undefined) input[k] = v
  }
  const created = await ctx.store.connections.add(input)
  await ctx.store.audit.record({
    actor,
    action: 'connection.create',
    target: created.name,
    detail: { authFlow: created.authFlow, fields: Object.keys(input).sort() },
  })
  return created
}

export async function updateConnection(
  ctx: AdminContext,
  actor: string,
  name: string,
  raw: unknown,
): Promise<ConnectionInfo> {
  const body = bodySchema.parse(raw)
  const changes: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(body) as [string, unknown][]) {
    if (k === 'clearSecrets' || v === undefined) continue
    if (isSecret(k)) {
      // Write-only: blank keeps the stored secret; clearing one is an explicit request.
      if (typeof v === 'string' && v !== '') changes[k] = v
    } else {
      changes[k] = v === '' ? null : v
    }
  }
  for (const f of body.clearSecrets ?? []) changes[f] = null
  const before = await ctx.store.connections.get(name)
  const updated = await ctx.store.connections.update(name, changes)
  if (updated.name !== before.name) await ctx.usage.rename(before.name, updated.name)
  await ctx.store.audit.record({
    actor,
    action: 'connection.update',
    target: before.name,
    detail: {
      fields: Object.keys(changes).sort(),
      ...(updated.name !== before.name ? { renamedTo: updated.name } : {}),
    },
  })
  return updated
}

export interface DeleteResult {
  deleted: string
  /**
   * True when the runtime's client for the connection was asked to revoke its token (it does so
   * only when it holds one); false when the revoke failed or there was no usable client.
   */
  revoked: boolean
}

export async function deleteConnection(
  ctx: AdminContext,
  actor: string,
  name: string,
): Promise<DeleteResult> {
  const info = await ctx.store.connections.get(name)
  let revoked = false
  try {
    await ctx.runtime.clients.refresh()
    // Revoking the token (POST /services/oauth2/revoke, salesforce-api.md §1.8) ends the
    // sessions the runtime holds; a client that never logged in has nothing to revoke.
    await ctx.runtime.clients.get(info.name).revoke()
    revoked = true
  } catch (err) {
    ctx.log.warn(
      { connection: info.name, code: (err as { code?: unknown }).code },
      'token not revoked while deleting the connection',
    )
  }
  await ctx.store.connections.remove(info.name)
  await ctx.runtime.clients.refresh()
  await ctx.usage.forget(info.name)
  await ctx.store.audit.record({
    actor,
    action: 'connection.delete',
    target: info.name,
    detail: { revoked },
  })
  return { deleted: info.name, revoked }
}

/** Adds the latest Sforce-Limit-Info figures the runtime's clients saw to the series. */
export async function sampleUsage(
  ctx: AdminContext,
  connections: readonly { name: string }[],
): Promise<void> {
  for (const { name } of connections) {
    let limits
    try {
      limits = ctx.runtime.clients.get(name).limits
    } catch {
      // Not loaded yet, inactive or unusable: no figures to add.
      continue
    }
    await ctx.usage.record(name, limits)
  }
}
