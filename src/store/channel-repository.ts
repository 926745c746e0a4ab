// REST channels in the store: an HTTP method and path (with :parameters) mapped to a service,
// secured by a security definition.
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { ForcebridgeError } from '../util/index.js'
import type { DatabaseSchema } from './database-schema.js'

export interface ChannelInfo {
  id: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  service: string
  /** Id of the security definition; null means the channel is open to anyone. */
  securityDefinitionId: string | null
  createdAt: string
}

const channelSchema = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~:/-]*$/, 'must start with / and hold only URL path characters')
    .refine(
      (p) =>
        !['/healthz', '/readyz', '/metrics', '/openapi.json'].includes(p) &&
        !/^\/admin(\/|$)/.test(p),
      'is reserved (the server answers /healthz, /readyz, /metrics, /openapi.json and /admin itself)',
    ),
  service: z.string().min(1, 'must name a service'),
  securityDefinitionId: z.string().nullable(),
})

export class ChannelRepository {
  readonly #db: Kysely<DatabaseSchema>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db
  }

  async list(): Promise<ChannelInfo[]> {
    const rows = await this.#db.selectFrom('channels').selectAll().orderBy('path').execute()
    return rows.map((r) => ({
      id: r.id,
      method: r.method as ChannelInfo['method'],
      path: r.path,
      service: r.service,
      securityDefinitionId: r.security_definition_id,
      createdAt: r.created_at,
    }))
  }

  async find(method: string, path: string): Promise<ChannelInfo | undefined> {
    return (await this.list()).find((c) => c.method === method.toUpperCase() && c.path === path)
  }

  async add(raw: {
    method: string
    path: string
    service: string
    securityDefinitionId: string | null
  }): Promise<ChannelInfo> {
    const parsed = channelSchema.safeParse({ ...raw, method: raw.method.toUpperCase() })
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`)
      throw new ForcebridgeError('INVALID_CHANNEL', `invalid channel: ${lines.join('; ')}`)
    }
    const c = parsed.data
    if (await this.find(c.method, c.path)) {
      throw new ForcebridgeError('CHANNEL_EXISTS', `channel ${c.method} ${c.path} already exists`)
    }
    const row = {
      id: randomUUID(),
      method: c.method,
      path: c.path,
      service: c.service,
      security_definition_id: c.securityDefinitionId,
      created_at: new Date().toISOString(),
    }
    await this.#db.insertInto('channels').values(row).execute()
    return { ...c, id: row.id, createdAt: row.created_at }
  }

  async remove(id: string): Promise<void> {
    await this.#db.deleteFrom('channels').where('id', '=', id).execute()
  }
}
