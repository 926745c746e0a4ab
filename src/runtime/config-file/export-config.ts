// Writes the store's connections, security definitions, channels and schedules as a YAML
// configuration file. Secrets are never written: each is a `${VAR}` reference, and a header
// comment lists the variables the file needs.
import { Document } from 'yaml'
import { ForcebridgeError } from '../../util/index.js'
import { SECRET_FIELDS, type Store } from '../../store/index.js'
import type { Scheduler } from '../scheduler/index.js'
import {
  apiKeyVariable,
  basicPasswordVariable,
  connectionSecretVariable,
  EnvStems,
  escapeReferences,
  jwtSecretVariable,
  reference,
} from './env-names.js'

export interface ExportedConfig {
  /** The YAML text, header comment included. */
  yaml: string
  /** Every variable the file refers to, with what it holds. */
  variables: { name: string; holds: string }[]
}

/** Builds the configuration file of everything in `store` and `scheduler`. */
export async function exportConfig(store: Store, scheduler: Scheduler): Promise<ExportedConfig> {
  const variables: ExportedConfig['variables'] = []
  const connectionStems = new EnvStems()
  const connections = (await store.connections.list()).map((c) => {
    const stem = connectionStems.stem(c.name)
    const entry: Record<string, unknown> = {
      name: escapeReferences(c.name),
      active: c.active,
      loginUrl: escapeReferences(c.loginUrl),
      apiVersion: c.apiVersion,
      authFlow: c.authFlow,
    }
    if (c.username !== undefined) entry.username = escapeReferences(c.username)
    if (c.clientId !== undefined) entry.clientId = escapeReferences(c.clientId)
    for (const field of SECRET_FIELDS) {
      if (!c.secrets[field]) continue
      const variable = connectionSecretVariable(stem, field)
      entry[field] = reference(variable)
      variables.push({ name: variable, holds: `${field} of connection '${c.name}'` })
    }
    return entry
  })

  const securityStems = new EnvStems()
  const definitions = await store.security.list()
  const securityDefinitions = definitions.map((d) => {
    const stem = securityStems.stem(d.name)
    // The store keeps only hashes of keys and passwords (and never hands out a JWT secret), so
    // each secret comes from the environment at import.
    const secret = (variable: string, holds: string) => {
      variables.push({ name: variable, holds: `${holds} of security definition '${d.name}'` })
      return reference(variable)
    }
    const entry: Record<string, unknown> = { name: escapeReferences(d.name), kind: d.kind }
    switch (d.kind) {
      case 'api_key':
        entry.apiKey = secret(apiKeyVariable(stem), 'API key')
        break
      case 'basic':
        entry.username = escapeReferences(d.username)
        entry.password = secret(basicPasswordVariable(stem), 'password')
        break
      case 'jwt':
        entry.algorithm = d.algorithm
        if (d.algorithm === 'HS256') entry.secret = secret(jwtSecretVariable(stem), 'JWT secret')
        if (d.publicKey !== null) entry.publicKey = escapeReferences(d.publicKey)
        if (d.jwksUrl !== null) entry.jwksUrl = escapeReferences(d.jwksUrl)
        if (d.issuer !== null) entry.issuer = escapeReferences(d.issuer)
        if (d.audience !== null) entry.audience = escapeReferences(d.audience)
        break
    }
    return entry
  })

  const definitionName = new Map(definitions.map((d) => [d.id, d.name]))
  const channels = (await store.channels.list())
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
    .map((c) => {
      const entry: Record<string, unknown> = {
        method: c.method,
        path: c.path,
        service: escapeReferences(c.service),
      }
      if (c.securityDefinitionId !== null) {
        const name = definitionName.get(c.securityDefinitionId)
        // Writing the channel without its definition would open it to anyone on import.
        if (name === undefined) {
          throw new ForcebridgeError(
            'EXPORT_FAILED',
            `channel ${c.method} ${c.path} names security definition ${c.securityDefinitionId}, which does not exist; point the channel at an existing definition and export again`,
          )
        }
        entry.securityDefinition = escapeReferences(name)
      }
      if (c.rateLimit !== null) entry.rateLimit = { ...c.rateLimit }
      if (c.timeoutMs !== null) entry.timeoutMs = c.timeoutMs
      if (c.maxBodyBytes !== null) entry.maxBodyBytes = c.maxBodyBytes
      return entry
    })

  const schedules = (await scheduler.list()).map((s) => {
    const entry: Record<string, unknown> = { name: s.name, cron: s.cron }
    if (s.timezone !== null) entry.timezone = s.timezone
    entry.service = escapeReferences(s.service)
    if (s.input !== null) entry.input = escapeDeep(s.input)
    entry.enabled = s.enabled
    entry.missedRunPolicy = s.missedRunPolicy
    if (s.maxCatchUp !== 100) entry.maxCatchUp = s.maxCatchUp
    return entry
  })

  const doc = new Document({ version: 1, connections, securityDefinitions, channels, schedules })
  doc.commentBefore = header(variables)
  return { yaml: doc.toString({ lineWidth: 0 }), variables }
}

function header(variables: ExportedConfig['variables']): string {
  const lines = [
    ' forcebridge configuration. Apply it with: forcebridge import <file>',
    ' Secrets are not in this file; import reads them from these environment variables:',
  ]
  if (variables.length === 0) lines.push('   (none)')
  const width = Math.max(0, ...variables.map((v) => v.name.length))
  // Names may hold any character but control characters; keep each comment on its line.
  for (const v of variables) lines.push(`   ${v.name.padEnd(width)}  ${oneLine(v.holds)}`)
  return lines.join('\n')
}

function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
}

function escapeDeep(value: unknown): unknown {
  if (typeof value === 'string') return escapeReferences(value)
  if (Array.isArray(value)) return value.map(escapeDeep)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDeep(v)]))
  }
  return value
}
