// REST channels in the store: an HTTP method and path (with :parameters) mapped to a service,
// secured by a security definition, with optional limits (rate, time, body size).
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { ForcebridgeError } from '../util/index.js'
import type { ChannelRow, DatabaseSchema } from './database-schema.js'
import type { StoreRevision } from './store-revision.js'

export const CHANNEL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
export type ChannelMethod = (typeof CHANNEL_METHODS)[number]

/** At most `requests` calls per `perSeconds` seconds, counted across all callers of the channel. */
export interface RateLimit {
  requests: number
  perSeconds: number
}

export interface ChannelInfo {
  id: string
  method: ChannelMethod
  path: string
  service: string
  /** Id of the security definition; null means the channel is open to anyone. */
  securityDefinitionId: string | null
  /** null: no rate limit. */
  rateLimit: RateLimit | null
  /** The service's time budget per request in ms; null: the server default. */
  timeoutMs: number | null
  /** Largest request body in bytes; null: the server default (1 MiB). */
  maxBodyBytes: number | null
  createdAt: string
  updatedAt: string
}

/** What a caller gives to add a channel; the limits may be left out. */
export interface ChannelInput {
  method: string
  path: string
  service: string
  securityDefinitionId: string | null
  rateLimit?: RateLimit | null
  timeoutMs?: number | null
  maxBodyBytes?: number | null
}

const RESERVED = ['/healthz', '/readyz', '/metrics', '/openapi.json']

const channelSchema = z.object({
  method: z.enum(CHANNEL_METHODS),
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~:/-]*$/, 'must start with / and hold only URL path characters')
    .refine(
      (p) => !RESERVED.includes(p) && !/^\/(admin|jobs)(\/|$)/.test(p),
      'is reserved (the server answers /healthz, /readyz, /metrics, /openapi.json, /admin and /jobs itself)',
    ),
  service: z.string().min(1, 'must name a service'),
  securityDefinitionId: z.string().nullable(),
  rateLimit: z
    .object({
      requests: z.number().int().min(1, 'must allow at least 1 request').max(1_000_000),
      perSeconds: z.number().int().min(1, 'must be at least 1 second').max(86_400),
    })
    .nullable()
    .default(null),
  timeoutMs: z
    .number()
    .int()
    .min(100, 'must be at least 100 ms')
    .max(3_600_000, 'must be at most one hour')
    .nullable()
    .default(null),
  maxBodyBytes: z
    .number()
    .int()
    .min(1, 'must be at least 1 byte')
    .max(1024 ** 3, 'must be at most 1 GiB')
    .nullable()
    .default(null),
})

type ParsedChannel = z.output<typeof channelSchema>

function parse(raw: ChannelInput): ParsedChannel {
  const parsed = channelSchema.safeParse({ ...raw, method: raw.method.toUpperCase() })
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`)
    throw new ForcebridgeError('INVALID_CHANNEL', `invalid channel: ${lines.join('; ')}`)
  }
  return parsed.data
}

function toColumns(c: ParsedChannel) {
  return {
    method: c.method,
    path: c.path,
    service: c.service,
    security_definition_id: c.securityDefinitionId,
    rate_limit: c.rateLimit?.requests ?? null,
    rate_window_seconds: c.rateLimit?.perSeconds ?? null,
    timeout_ms: c.timeoutMs,
    max_body_bytes: c.maxBodyBytes,
  }
}

function toInfo(r: ChannelRow): ChannelInfo {
  return {
    id: r.id,
    method: r.method as ChannelMethod,
    path: r.path,
    service: r.service,
    securityDefinitionId: r.security_definition_id,
    rateLimit:
      r.rate_limit !== null && r.rate_window_seconds !== null
        ? { requests: r.rate_limit, perSeconds: r.rate_window_seconds }
        : null,
    timeoutMs: r.timeout_ms,
    maxBodyBytes: r.max_body_bytes,
    createdAt: r.created_at,
    updatedAt: r.updated_at ?? r.created_at,
  }
}

export class ChannelRepository {
  readonly #db: Kysely<DatabaseSchema>
  readonly #revision: StoreRevision

  constructor(db: Kysely<DatabaseSchema>, revision: StoreRevision) {
    this.#db = db
    this.#revision = revision
  }

  async list(): Promise<ChannelInfo[]> {
    const rows = await this.#db
      .selectFrom('channels')
      .selectAll()
      .orderBy('path')
      .orderBy('method')
      .execute()
    return rows.map(toInfo)
  }

  async get(id: string): Promise<ChannelInfo | undefined> {
    const row = await this.#db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && toInfo(row)
  }

  async find(method: string, path: string): Promise<ChannelInfo | undefined> {
    const row = await this.#db
      .selectFrom('channels')
      .selectAll()
      .where('method', '=', method.toUpperCase())
      .where('path', '=', path)
      .executeTakeFirst()
    return row && toInfo(row)
  }

  async add(raw: ChannelInput): Promise<ChannelInfo> {
    const c = parse(raw)
    if (await this.find(c.method, c.path)) {
      throw new ForcebridgeError(
        'CHANNEL_EXISTS',
        `channel ${c.method} ${c.path} already exists; edit it or pick another path`,
      )
    }
    const now = new Date().toISOString()
    const row = { id: randomUUID(), ...toColumns(c), created_at: now, updated_at: now }
    await this.#db.insertInto('channels').values(row).execute()
    this.#revision.bump()
    return toInfo(row)
  }

  /**
   * Changes a channel in place (its id stays). Fields left out keep their value; `null` clears a
   * limit. Moving it onto another channel's method and path is refused.
   */
  async update(id: string, changes: Partial<ChannelInput>): Promise<ChannelInfo> {
    const current = await this.get(id)
    if (!current) {
      throw new ForcebridgeError(
        'CHANNEL_NOT_FOUND',
        `no channel with id ${id}; list them with the admin API or the dashboard`,
      )
    }
    const c = parse({ ...current, ...changes })
    const clash = await this.find(c.method, c.path)
    if (clash && clash.id !== id) {
      throw new ForcebridgeError(
        'CHANNEL_EXISTS',
        `channel ${c.method} ${c.path} already exists; edit that one or pick another path`,
      )
    }
    const values = { ...toColumns(c), updated_at: new Date().toISOString() }
    await this.#db.updateTable('channels').set(values).where('id', '=', id).execute()
    this.#revision.bump()
    return { ...toInfo({ ...values, id, created_at: current.createdAt }) }
  }

  async remove(id: string): Promise<void> {
    await this.#db.deleteFrom('channels').where('id', '=', id).execute()
    this.#revision.bump()
  }
}
