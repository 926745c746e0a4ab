// Applies a read configuration file to the store and the scheduler, idempotently: creates what
// is missing, updates what differs, leaves equal things alone. Everything is checked before the
// first write, and all writes happen in one transaction, so a failure leaves the store as it was.
import { randomUUID } from 'node:crypto'
import { ForcebridgeError } from '../../util/index.js'
import {
  SECRET_FIELDS,
  type ChannelInfo,
  type ChannelInput,
  type ConnectionCredentials,
  type ConnectionInput,
  type SecurityDefinitionChanges,
  type SecurityDefinitionInfo,
  type SecurityDefinitionInput,
  type Store,
  type StoreScope,
} from '../../store/index.js'
import type { Schedule, Scheduler, Schedules } from '../scheduler/index.js'
import type { ScheduleEntry, SecurityDefinitionEntry } from './config-schema.js'
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
  // One transaction for every write. A dry run works out every change the same way, then rolls
  // it back by throwing; the summary, filled as it went, is returned either way.
  try {
    await store.transaction(async (tx) => {
      await applyAll(tx, scheduler.within(tx), config, summary)
      if (options.dryRun) throw new DryRunDone()
    })
  } catch (err) {
    if (!(err instanceof DryRunDone)) throw err
  }
  return summary
}

/** Thrown at the end of a dry run so its transaction rolls back. */
class DryRunDone extends Error {}

async function applyAll(
  store: StoreScope,
  schedules: Schedules,
  config: ConfigFile,
  summary: ApplySummary,
): Promise<void> {
  let position: (string | number)[] = []
  try {
    for (const [i, d] of config.content.securityDefinitions.entries()) {
      position = ['securityDefinitions', i]
      await applySecurityDefinition(store, d, summary.securityDefinitions)
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
      // The file describes the whole channel: a limit it leaves out is no limit.
      const wanted = {
        method: c.method,
        path: c.path,
        service: c.service,
        securityDefinitionId,
        rateLimit: c.rateLimit ?? null,
        timeoutMs: c.timeoutMs ?? null,
        maxBodyBytes: c.maxBodyBytes ?? null,
      }
      const existing = await store.channels.find(c.method, c.path)
      if (!existing) {
        await store.channels.add(wanted)
        summary.channels.created.push(key)
      } else if (sameChannel(existing, wanted)) {
        summary.channels.unchanged.push(key)
      } else {
        // In place: the channel keeps its id (the admin API, the dashboard and metrics use it).
        await store.channels.update(existing.id, wanted)
        summary.channels.updated.push(key)
      }
    }
    for (const [i, s] of config.content.schedules.entries()) {
      position = ['schedules', i]
      const existing = await schedules.get(s.name)
      if (existing && sameSchedule(existing, s)) {
        summary.schedules.unchanged.push(s.name)
        continue
      }
      await schedules.add(definitionOf(s), { replace: true })
      ;(existing ? summary.schedules.updated : summary.schedules.created).push(s.name)
    }
  } catch (err) {
    // The store's own checks are stricter in places than the file schema (reserved paths...).
    if (err instanceof ForcebridgeError && !(err instanceof ConfigFileError)) {
      throw new ConfigFileError([config.issue(position, err.message)], { cause: err })
    }
    throw err
  }
}

function emptySummary(): KindSummary {
  return { created: [], updated: [], unchanged: [] }
}

async function applySecurityDefinition(
  store: StoreScope,
  wanted: SecurityDefinitionEntry,
  summary: KindSummary,
): Promise<void> {
  const existing = await store.security.find(wanted.name)
  if (!existing) {
    await store.security.create(creationInput(wanted))
    summary.created.push(wanted.name)
    return
  }
  if (existing.kind !== wanted.kind) {
    await replaceDefinition(store, existing, wanted)
    summary.updated.push(wanted.name)
    return
  }
  const changes = await definitionChanges(store, existing, wanted)
  if (changes === undefined) {
    summary.unchanged.push(wanted.name)
    return
  }
  // In place, so the channels that use the definition keep it.
  await store.security.update(existing.id, changes)
  summary.updated.push(wanted.name)
}

function creationInput(d: SecurityDefinitionEntry): SecurityDefinitionInput {
  switch (d.kind) {
    case 'api_key':
      return { kind: 'api_key', name: d.name, key: d.apiKey }
    case 'basic':
      return { kind: 'basic', name: d.name, username: d.username, password: d.password }
    case 'jwt':
      return { ...d, ...jwtSettings(d) }
  }
}

/** The JWT settings the file gives, null for those it leaves out (the file is the whole thing). */
function jwtSettings(d: Extract<SecurityDefinitionEntry, { kind: 'jwt' }>) {
  return {
    algorithm: d.algorithm,
    publicKey: d.publicKey ?? null,
    jwksUrl: d.jwksUrl ?? null,
    issuer: d.issuer ?? null,
    audience: d.audience ?? null,
  }
}

/**
 * What to change so the stored definition matches the file, or undefined when it already does.
 * Secrets are compared without reading them back where the store keeps only a hash: the key or
 * password from the file is verified against it.
 */
async function definitionChanges(
  store: StoreScope,
  existing: SecurityDefinitionInfo,
  wanted: SecurityDefinitionEntry,
): Promise<SecurityDefinitionChanges | undefined> {
  if (wanted.kind === 'api_key') {
    const same = await store.security.verifyApiKey(existing.id, wanted.apiKey)
    return same ? undefined : { key: wanted.apiKey }
  }
  if (wanted.kind === 'basic') {
    const same = await store.security.verifyBasic(existing.id, wanted.username, wanted.password)
    return same ? undefined : { username: wanted.username, password: wanted.password }
  }
  const settings = jwtSettings(wanted)
  const material = (await store.security.material()).find((m) => m.id === existing.id)
  const stored = material?.kind === 'jwt' ? material : undefined
  const same =
    stored !== undefined &&
    stored.algorithm === settings.algorithm &&
    // The store trims PEM text; YAML block scalars may add a final newline.
    stored.publicKey?.trim() === settings.publicKey?.trim() &&
    stored.jwksUrl === settings.jwksUrl &&
    stored.issuer === settings.issuer &&
    stored.audience === settings.audience &&
    // Only HS256 has a secret; RS256 keeps none, whatever the store held before.
    (settings.algorithm === 'HS256' ? stored.secret === wanted.secret : true)
  if (same) return undefined
  return { ...settings, ...(wanted.secret === undefined ? {} : { secret: wanted.secret }) }
}

/**
 * A definition whose kind changed cannot be edited into the new kind, so the new one is made
 * under a free name, its channels are moved over, the old one is removed and the new one takes
 * the name. All inside the import's transaction.
 */
async function replaceDefinition(
  store: StoreScope,
  existing: SecurityDefinitionInfo,
  wanted: SecurityDefinitionEntry,
): Promise<void> {
  const interim = `import-${randomUUID()}`
  const { definition } = await store.security.create({ ...creationInput(wanted), name: interim })
  for (const channel of await store.channels.list()) {
    if (channel.securityDefinitionId === existing.id) {
      await store.channels.update(channel.id, { securityDefinitionId: definition.id })
    }
  }
  await store.security.remove(existing.id)
  await store.security.update(definition.id, { name: wanted.name })
}

function sameChannel(current: ChannelInfo, wanted: ChannelInput): boolean {
  return (
    current.service === wanted.service &&
    current.securityDefinitionId === wanted.securityDefinitionId &&
    current.rateLimit?.requests === wanted.rateLimit?.requests &&
    current.rateLimit?.perSeconds === wanted.rateLimit?.perSeconds &&
    current.timeoutMs === wanted.timeoutMs &&
    current.maxBodyBytes === wanted.maxBodyBytes
  )
}

async function applyConnection(
  store: StoreScope,
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
