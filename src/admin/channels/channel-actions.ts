// Channels for the admin API and the dashboard: list (with the security definition's name),
// create, edit in place (the id stays) and delete, each audited.
import { z } from 'zod'
import { channelAuditDetail, type ChannelInfo } from '../../store/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type { AdminContext } from '../admin-context.js'

const count = z.number().int()
// The edge checks the shape (so a misspelt field is refused, not ignored); the store checks the
// values and names the field it refuses (INVALID_CHANNEL, 400).
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
    /** null: no rate limit. */
    rateLimit: z.object({ requests: count, perSeconds: count }).strict().nullable().optional(),
    timeoutMs: count.nullable().optional(),
    maxBodyBytes: count.nullable().optional(),
  })
  .strict()
const changesBody = channelBody.partial()

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

export async function getChannel(ctx: AdminContext, id: string): Promise<ChannelView> {
  const found = (await listChannels(ctx)).find((c) => c.id === id)
  if (!found) {
    throw new ForcebridgeError(
      'CHANNEL_NOT_FOUND',
      `channel ${id} does not exist; list them at GET /admin/api/channels`,
    )
  }
  return found
}

async function checkDefinition(ctx: AdminContext, id: string | null | undefined): Promise<void> {
  if (id && !(await ctx.store.security.get(id))) {
    throw new ForcebridgeError(
      'INVALID_CHANNEL',
      `invalid channel: securityDefinitionId ${id} does not exist; create it first or choose another`,
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
    detail: channelAuditDetail(created),
  })
  return created
}

/** Changes a channel in place: fields left out keep their value, `null` clears a limit. */
export async function updateChannel(
  ctx: AdminContext,
  actor: string,
  id: string,
  raw: unknown,
): Promise<ChannelInfo> {
  const changes = changesBody.parse(raw)
  // Only what was sent: the transform turns a missing securityDefinitionId into null otherwise.
  if (!(raw && typeof raw === 'object' && 'securityDefinitionId' in raw)) {
    delete changes.securityDefinitionId
  }
  const before = await getChannel(ctx, id)
  await checkDefinition(ctx, changes.securityDefinitionId)
  const updated = await ctx.store.channels.update(id, changes)
  await ctx.store.audit.record({
    actor,
    action: 'channel.update',
    target: `${before.method} ${before.path}`,
    detail: {
      fields: Object.keys(changes).sort(),
      ...channelAuditDetail(updated),
      ...(updated.method !== before.method || updated.path !== before.path
        ? { movedTo: `${updated.method} ${updated.path}` }
        : {}),
    },
  })
  return updated
}

export async function deleteChannel(ctx: AdminContext, actor: string, id: string): Promise<void> {
  const old = await getChannel(ctx, id)
  await ctx.store.channels.remove(id)
  await ctx.store.audit.record({
    actor,
    action: 'channel.delete',
    target: `${old.method} ${old.path}`,
    detail: { id, service: old.service },
  })
}
