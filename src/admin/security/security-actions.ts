// Security definitions (API key, HTTP Basic, JWT) for the admin API and the dashboard: create,
// edit, rotate and delete, each audited with field names only. A key made here is answered once;
// a password or JWT secret is never answered, and one left out or blank on an edit is kept.
import { z } from 'zod'
import {
  securityAuditDetail,
  type SecurityDefinitionInfo,
  type SecurityDefinitionInput,
  type SecurityWriteResult,
} from '../../store/index.js'
import { ForcebridgeError, hasCode } from '../../util/index.js'
import type { AdminContext } from '../admin-context.js'

/** Fields whose value is a secret: write-only, blank means "keep" (or "generate" for a key). */
const SECRETS = ['key', 'password', 'secret'] as const
/** Text a JWT definition may clear: blank means "none". */
const CLEARABLE = ['publicKey', 'jwksUrl', 'issuer', 'audience'] as const

const text = z.string().max(10_000).nullable().optional()
// The edge checks the shape only, so a misspelt field is refused rather than ignored; the store
// validates the values per kind, with a message that names the field (INVALID_SECURITY, 400).
const createBody = z
  .object({
    kind: z.enum(['api_key', 'basic', 'jwt']).default('api_key'),
    name: z.string(),
    key: text,
    username: text,
    password: text,
    algorithm: text,
    secret: text,
    publicKey: text,
    jwksUrl: text,
    issuer: text,
    audience: text,
  })
  .strict()
const updateBody = createBody
  .omit({ kind: true })
  .partial()
  .extend({ rotate: z.boolean().optional() })

export function listSecurity(ctx: AdminContext): Promise<SecurityDefinitionInfo[]> {
  return ctx.store.security.list()
}

export async function getSecurity(ctx: AdminContext, id: string): Promise<SecurityDefinitionInfo> {
  const def = await ctx.store.security.get(id)
  if (!def) {
    throw new ForcebridgeError(
      'SECURITY_NOT_FOUND',
      `security definition ${id} does not exist; list them at GET /admin/api/security-definitions`,
    )
  }
  return def
}

export async function createSecurity(
  ctx: AdminContext,
  actor: string,
  raw: unknown,
): Promise<SecurityWriteResult> {
  const body = createBody.parse(raw)
  // Form inputs send '' for a field left empty: that means "not given".
  const input = Object.fromEntries(
    Object.entries(body).filter(([, v]) => v !== '' && v !== null && v !== undefined),
  )
  const created = await ctx.store.security.create(input as SecurityDefinitionInput)
  const def = created.definition
  await ctx.store.audit.record({
    actor,
    action: 'security.create',
    target: def.name,
    detail: securityAuditDetail(def),
  })
  return created
}

export async function updateSecurity(
  ctx: AdminContext,
  actor: string,
  id: string,
  raw: unknown,
): Promise<SecurityWriteResult> {
  const body = updateBody.parse(raw)
  const before = await getSecurity(ctx, id)
  const changes: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue
    if ((SECRETS as readonly string[]).includes(k)) {
      if (typeof v === 'string' && v !== '') changes[k] = v
    } else if ((CLEARABLE as readonly string[]).includes(k)) {
      changes[k] = v === '' ? null : v
    } else if (v !== '' && v !== null) {
      changes[k] = v
    }
  }
  const updated = await ctx.store.security.update(id, changes)
  const rotated = updated.key !== undefined
  await ctx.store.audit.record({
    actor,
    action: rotated ? 'security.rotate' : 'security.update',
    target: before.name,
    detail: {
      id,
      kind: before.kind,
      // Names only: which secrets changed is worth knowing, their values never leave the store.
      fields: Object.keys(changes).sort(),
      ...(updated.definition.name !== before.name ? { renamedTo: updated.definition.name } : {}),
    },
  })
  return updated
}

export async function deleteSecurity(
  ctx: AdminContext,
  actor: string,
  id: string,
): Promise<{ deleted: string }> {
  const def = await getSecurity(ctx, id)
  try {
    await ctx.store.security.remove(id)
  } catch (err) {
    if (!hasCode(err, 'SECURITY_IN_USE')) throw err
    throw new ForcebridgeError(
      'SECURITY_IN_USE',
      `security definition '${def.name}': ${err.message}`,
      {
        cause: err,
      },
    )
  }
  await ctx.store.audit.record({
    actor,
    action: 'security.delete',
    target: def.name,
    detail: { id, kind: def.kind },
  })
  return { deleted: def.name }
}
