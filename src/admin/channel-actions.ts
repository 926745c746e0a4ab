// Channels and security definitions, shared by the admin API and the dashboard, each change
// audited. An API key is shown once, in the answer that created it, and never stored in clear.
import { z } from 'zod'
import type { ChannelInfo, SecurityDefinitionInfo } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'
import type { AdminContext } from './admin-context.js'

const channelBody = z
  .object({
    method: z.string().min(1),
    path: z.string().min(1),
    service: z.string().min(1),
    // '' from a form's "none" option: the channel is open to anyone.
    securityDefinitionId: z
      .string()
      .nullable()
      .optional()
      .transform((v) => v || null),
  })
  .strict()

export interface ChannelView extends ChannelInfo {
  securityDefinitionName: string | null
}

export async function listChannels(ctx: AdminContext): Promise<ChannelView[]> {
  const defs = new Map((await ctx.store.security.list()).map((d) => [d.id, d.name]))
  return (await ctx.store.channels.list()).map((c) => ({
    ...c,
    securityDefinitionName: c.securityDefinitionId
      ? (defs.get(c.securityDefinitionId) ?? null)
      : null,
  }))
}

async function channelById(ctx: AdminContext, id: string): Promise<ChannelInfo> {
  const found = (await ctx.store.channels.list()).find((c) => c.id === id)
  if (!found) throw new ForcebridgeError('CHANNEL_NOT_FOUND', `channel ${id} does not exist`)
  return found
}

async function checkDefinition(ctx: AdminContext, id: string | null): Promise<void> {
  if (id && !(await ctx.store.security.list()).some((d) => d.id === id)) {
    throw new ForcebridgeError(
      'INVALID_CHANNEL',
      `security definition ${id} does not exist; create it first or choose another`,
    )
  }
}

export async function createChannel(
  ctx: AdminContext,
  actor: string,
  raw: unknown,
): Promise<ChannelInfo> {
  const body = channelBody.parse(raw)
  await checkDefinition(ctx, body.securityDefinitionId)
  const created = await ctx.store.channels.add(body)
  await ctx.store.audit.record({
    actor,
    action: 'channel.create',
    target: `${created.method} ${created.path}`,
    detail: { service: created.service, securityDefinitionId: created.securityDefinitionId },
  })
  return created
}

/**
 * Changes a channel. The store has no update, so this removes and re-adds it (a new id); if the
 * new version is refused, the old one is put back.
 */
export async function updateChannel(
  ctx: AdminContext,
  actor: string,
  id: string,
  raw: unknown,
): Promise<ChannelInfo> {
  const old = await channelById(ctx, id)
  const body = channelBody.parse({
    method: old.method,
    path: old.path,
    service: old.service,
    securityDefinitionId: old.securityDefinitionId,
    ...(raw && typeof raw === 'object' ? raw : {}),
  })
  await checkDefinition(ctx, body.securityDefinitionId)
  await ctx.store.channels.remove(id)
  let updated: ChannelInfo
  try {
    updated = await ctx.store.channels.add(body)
  } catch (err) {
    await ctx.store.channels.add(old)
    throw err
  }
  await ctx.store.audit.record({
    actor,
    action: 'channel.update',
    target: `${old.method} ${old.path}`,
    detail: {
      method: updated.method,
      path: updated.path,
      service: updated.service,
      id: updated.id,
    },
  })
  return updated
}

export async function deleteChannel(ctx: AdminContext, actor: string, id: string): Promise<void> {
  const old = await channelById(ctx, id)
  await ctx.store.channels.remove(id)
  await ctx.store.audit.record({
    actor,
    action: 'channel.delete',
    target: `${old.method} ${old.path}`,
    detail: { service: old.service },
  })
}

const securityBody = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(120),
    kind: z.literal('api_key').default('api_key'),
    // Blank: a random key is generated.
    key: z
      .string()
      .optional()
      .transform((k) => k || undefined),
  })
  .strict()

export function listSecurity(ctx: AdminContext): Promise<SecurityDefinitionInfo[]> {
  return ctx.store.security.list()
}

export async function createSecurity(
  ctx: AdminContext,
  actor: string,
  raw: unknown,
): Promise<{ definition: SecurityDefinitionInfo; key: string }> {
  const body = securityBody.parse(raw)
  const created = await ctx.store.security.createApiKey(body.name, body.key)
  await ctx.store.audit.record({
    actor,
    action: 'security.create',
    target: created.definition.name,
    detail: { kind: 'api_key', id: created.definition.id },
  })
  return created
}

export async function deleteSecurity(ctx: AdminContext, actor: string, id: string): Promise<void> {
  const def = (await ctx.store.security.list()).find((d) => d.id === id)
  if (!def)
    throw new ForcebridgeError('SECURITY_NOT_FOUND', `security definition ${id} does not exist`)
  const users = (await ctx.store.channels.list()).filter((c) => c.securityDefinitionId === id)
  if (users.length) {
    throw new ForcebridgeError(
      'SECURITY_IN_USE',
      `security definition '${def.name}' protects ${users.map((c) => `${c.method} ${c.path}`).join(', ')}; change or delete those channels first`,
    )
  }
  // SecurityRepository has no remove yet; the row is deleted here by id, nothing else.
  await ctx.store.db.deleteFrom('security_definitions').where('id', '=', id).execute()
  await ctx.store.audit.record({ actor, action: 'security.delete', target: def.name })
}
