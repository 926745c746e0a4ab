// grant_type=password (salesforce-api.md §1.3): the password with the security token
// appended, unless the caller's IP is in a trusted range.

import type { FastifyRequest } from 'fastify'
import type { EmulatorState } from '../server/emulator-state.js'
import { authenticateClient, findUser, requireActive } from './client-auth.js'
import { authenticationFailure, unsupportedGrant } from './oauth-failure.js'
import { issueToken } from './token-response.js'

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    return undefined
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0
}

/** True when `ip` (IPv4, or IPv4-mapped IPv6) is inside one of the CIDR ranges. */
export function ipTrusted(ip: string, ranges: string[]): boolean {
  const address = ipv4ToNumber(ip.replace(/^::ffff:/i, ''))
  if (address === undefined) return false
  return ranges.some((range) => {
    const [base = '', bits = '32'] = range.split('/')
    const start = ipv4ToNumber(base)
    const n = Number(bits)
    if (start === undefined) return false
    const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0
    return (address & mask) === (start & mask)
  })
}

export function passwordGrant(
  state: EmulatorState,
  params: Record<string, string>,
  request: FastifyRequest,
): Record<string, string> {
  const app = authenticateClient(state, params, true)
  if (!app.flows.includes('password')) throw unsupportedGrant()
  // A blocked flow answers exactly like bad credentials (Summer '23 default for new orgs).
  if (!state.settings.allowUsernamePasswordFlow || state.faults.passwordFlowBlocked)
    throw authenticationFailure()
  const user = findUser(state, params.username)
  if (!user) throw authenticationFailure()
  const given = params.password ?? ''
  const trusted = ipTrusted(request.ip, state.config.settings.trustedIpRanges)
  const ok = given === user.password + user.securityToken || (trusted && given === user.password)
  if (!ok) throw authenticationFailure()
  requireActive(user)
  return issueToken(state, user, app, { signed: true })
}
