// What an audit entry records of a channel or a security definition, in one place so that the
// admin API, the dashboard and the CLI write the same details: ids, routes and settings, never a
// key, password or secret.
import type { ChannelInfo } from './channel-repository.js'
import type { SecurityDefinitionInfo } from './security-definition.js'

export function channelAuditDetail(c: ChannelInfo): Record<string, unknown> {
  return {
    id: c.id,
    service: c.service,
    securityDefinitionId: c.securityDefinitionId,
    rateLimit: c.rateLimit,
    timeoutMs: c.timeoutMs,
    maxBodyBytes: c.maxBodyBytes,
  }
}

export function securityAuditDetail(d: SecurityDefinitionInfo): Record<string, unknown> {
  return { id: d.id, kind: d.kind, ...(d.kind === 'jwt' ? { algorithm: d.algorithm } : {}) }
}
