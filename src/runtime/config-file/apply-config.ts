// Applies a read configuration file to the store and the scheduler, idempotently: creates what
// is missing, updates what differs, leaves equal things alone. Everything is checked before the
// first write, and all writes happen in one transaction, so a failure leaves the store as it was.
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { ForcebridgeError } from '../../util/index.js'
import {
  SECRET_FIELDS,
  type ConnectionCredentials,
  type ConnectionInput,
  type Store,
} from '../../store/index.js'
import type { Schedule, Scheduler } from '../scheduler/index.js'
import type { ScheduleEntry } from './config-schema.js'
import { ConfigFileError, type ConfigIssue } from './config-file-error.js'
import type { ConfigFile } from './read-config.js'

export interface KindSummary {
  created: string[]
  updated: string[]
  unchanged: string[]
}

export interface ApplySummary {
  connections: KindSummary
  securityDefinitions: KindSummary
  channels: KindSummary
  schedules: KindSummary
  /** True when nothing was written (dry run). */
  dryRun: boolean
}

export interface ApplyOptions {
  /** Work out and report every change, then roll it back. */
  dryRun?: boolean
}

/**
 * Applies `config`. Things in the store that the file does not name are left alone. A
 * connection secret the file leaves out is cleared, as the file describes the whole connection.
 * The transaction spans the store's one connection: run it where nothing else in the process
 * writes to the store meanwhile (the CLI), or those writes would share its fate.
 */
export async function applyConfig(
  store: Store,
  scheduler: Scheduler,
  config: ConfigFile,
  options: ApplyOptions = {},
): Promise<ApplySummary> {
  const knownDefinitions = new Set([
    ...(await store.security.list()).map((d) => d.name),
    ...config.content.securityDefinitions.map((d) => d.name),
  ])
  const missing: ConfigIssue[] = []
  config.content.channels.forEach((c, i) => {
    if (c.securityDefinition !== undefined && !knownDefinitions.has(c.securityDefinition)) {
      missing.push(
        config.issue(
          ['channels', i, 'securityDefinition'],
          `security definition '${c.securityDefinition}' is neither in this file nor in the store`,
        ),
      )
    }
  })
  if (missing.length) throw new ConfigFileError(missing)

  const summary: ApplySummary = {
    connections: emptySummary(),
    securityDefinitions: emptySummary(),
    channels: emptySummary(),
    schedules: emptySummary(),
    dryRun: options.dryRun === true,
  }
  // The repositories share the store's one SQLite connection, so a transaction opened on it
  // covers their writes too (Kysely's own transaction() would hold that connection and leave
  // them waiting). IMMEDIATE takes the write lock now, not halfway through.
  await sql`begin immediate`.execute(store.db)
  let position: (string | number)[] = []
  try {
    for (const [i, d] of config.content.securityDefinitions.entries()) {
      position = ['securityDefinitions', i]
      await applySecurityDefinition(store, d.name, d.apiKey, summary.securityDefinitions)
    }
    for (const [i, c] of config.connections.entries()) {
      position = ['connections', i]
      await applyConnection(store, c, summary.connections)
    }
    const ids = new Map((await store.security.list()).map((d) => [d.name, d.id]))
    for (const [i, c] of config.content.channels.entries()) {
      position = ['channels', i]
      const securityDefinitionId =
        c.securityDefinition === undefined ? null : (ids.get(c.securityDefinition) ?? null)
      const key = `${c.method} ${c.path}`
      const existing = await store.channels.find(c.method, c.path)
      if (
        existing?.service === c.service &&
        existing.securityDefinitionId === securityDefinitionId
      ) {
        summary.channels.unchanged.push(key)
        continue
      }
      // ChannelRepository has no update: a changed channel is replaced (it gets a new id).
      if (existing) await store.channels.remove(existing.id)
      await store.channels.add({ ...c, securityDefinitionId })
      ;(existing ? summary.channels.updated : summary.channels.created).push(key)
    }
    for (const [i, s] of config.content.schedules.entries()) {
      position = ['schedules', i]
      const existing = await scheduler.get(s.name)
      if (existing && sameSchedule(existing, s)) {
        summary.schedules.unchanged.push(s.name)
        continue
      }
      await scheduler.add(definitionOf(s), { replace: true })
      ;(existing ? summary.schedules.updated : summary.schedules.created).push(s.name)
    }
  } catch (err) {
    await sql`rollback`.execute(store.db)
    // The store's own checks are stricter in places than the file schema (reserved paths...).
    if (err instanceof ForcebridgeError && !(err instanceof ConfigFileError)) {
      throw new ConfigFileError([config.issue(position, err.message)], { cause: err })
    }
    throw err
  }
  await sql`${sql.raw(options.dryRun ? 'rollback' : 'commit')}`.execute(store.db)
  return summary
}

function emptySummary(): KindSummary {
  return { created: [], updated: [], unchanged: [] }
}

async function applySecurityDefinition(
  store: Store,
  name: string,
  apiKey: string,
  summary: KindSummary,
): Promise<void> {
  const existing = await store.security.find(name)
  if (!existing) {
    await store.security.createApiKey(name, apiKey)
    summary.created.push(name)
  } else if (await store.security.verifyApiKey(existing.id, apiKey)) {
    summary.unchanged.push(name)
  } else {
    // SecurityRepository has no way to change a key, and replacing the definition would orphan
    // its channels; so the hash is set here, computed exactly as the repository does (SHA-256 hex).
    const keyHash = createHash('sha256').update(apiKey, 'utf8').digest('hex')
    await store.db
      .updateTable('security_definitions')
      .set({ key_hash: keyHash })
      .where('id', '=', existing.id)
      .execute()
    summary.updated.push(name)
  }
}

async function applyConnection(
  store: Store,
  wanted: ConnectionInput,
  summary: KindSummary,
): Promise<void> {
  const existing = await store.connections.find(wanted.name)
  if (!existing) {
    await store.connections.add(wanted)
    summary.created.push(wanted.name)
    return
  }
  const current = await store.connections.credentials(wanted.name)
  if (sameConnection(current, wanted)) {
    summary.unchanged.push(wanted.name)
    return
  }
  // null clears: fields the file leaves out are not part of the connection it describes.
  const changes: Record<string, unknown> = {
    active: wanted.active,
    loginUrl: wanted.loginUrl,
    apiVersion: wanted.apiVersion,
    authFlow: wanted.authFlow,
    username: wanted.username ?? null,
    clientId: wanted.clientId ?? null,
  }
  for (const f of SECRET_FIELDS) changes[f] = wanted[f] ?? null
  await store.connections.update(wanted.name, changes)
  summary.updated.push(wanted.name)
}

function sameConnection(current: ConnectionCredentials, wanted: ConnectionInput): boolean {
  const fields = ['active', 'loginUrl', 'apiVersion', 'authFlow', 'username', 'clientId'] as const
  return (
    fields.every((f) => current[f] === wanted[f]) &&
    SECRET_FIELDS.every((f) => current[f] === wanted[f])
  )
}

function definitionOf(s: ScheduleEntry) {
  return {
    name: s.name,
    cron: s.cron,
    ...(s.timezone === undefined ? {} : { timezone: s.timezone }),
    service: s.service,
    input: s.input ?? null,
    enabled: s.enabled,
    missedRunPolicy: s.missedRunPolicy,
    maxCatchUp: s.maxCatchUp,
  }
}

function sameSchedule(current: Schedule, wanted: ScheduleEntry): boolean {
  return (
    current.cron === wanted.cron &&
    current.timezone === (wanted.timezone ?? null) &&
    current.service === wanted.service &&
    canonical(current.input) === canonical(wanted.input ?? null) &&
    current.enabled === wanted.enabled &&
    current.missedRunPolicy === wanted.missedRunPolicy &&
    current.maxCatchUp === wanted.maxCatchUp
  )
}

/** JSON with object keys sorted, so key order in the file does not count as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  )
}
