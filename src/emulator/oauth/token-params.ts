// Reads the token endpoint's parameters the ways Salesforce accepts them: a form-encoded
// body, the query string of the POST, and HTTP Basic client authentication (§1.2).

import type { FastifyRequest } from 'fastify'

/** The parameters, or undefined when the body is not form-encoded (unsupported_grant_type). */
export function readTokenParams(request: FastifyRequest): Record<string, string> | undefined {
  const params: Record<string, string> = {}
  const query = request.query as Record<string, unknown>
  for (const [k, v] of Object.entries(query)) if (typeof v === 'string') params[k] = v
  const body = typeof request.body === 'string' ? request.body : ''
  if (body.trim() !== '') {
    const type = request.headers['content-type'] ?? ''
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined
    for (const [k, v] of new URLSearchParams(body)) params[k] = v
  }
  const auth = request.headers.authorization
  const m = auth ? /^Basic\s+(.+)$/i.exec(auth.trim()) : null
  if (m) {
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) {
      params.client_id ??= decodeURIComponent(decoded.slice(0, colon))
      params.client_secret ??= decodeURIComponent(decoded.slice(colon + 1))
    }
  }
  return params
}
