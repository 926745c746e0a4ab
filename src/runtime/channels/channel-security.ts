// Checks the credential a caller presents to a channel against the channel's security definition:
//   api_key  `X-API-Key: <key>` or `Authorization: Bearer <key>`, compared as SHA-256 hashes in
//            constant time.
//   basic    `Authorization: Basic base64(user:pass)`, scrypt-verified (see BasicCredentialCache
//            for why a success is remembered for a minute and a failure never is).
//   jwt      `Authorization: Bearer <jwt>` verified by jose with the algorithm pinned to the
//            definition's (no `none`, no HS256 token accepted by an RS256 definition), `exp`
//            required, `iss`/`aud` checked when set, 30 s of clock tolerance.
// Every refusal is a 401 with no detail for the caller; the reason class is for the server log.
// There is no 403 yet: a definition says who may call, not what they may do, so a credential
// that verifies is allowed and one that does not (wrong audience or issuer included: the token
// was not issued for us, RFC 6750 §3.1 invalid_token) is a 401. A 503 means the credential could
// not be judged (a JWKS URL that does not answer), not that it was wrong.
import { hash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import {
  errors,
  importSPKI,
  importX509,
  jwtVerify,
  type CryptoKey,
  type JWTVerifyGetKey,
} from 'jose'
import { verifyPassword, type SecurityMaterial, type SecurityKind } from '../../store/index.js'
import { BasicCheckBusyError, BasicCredentialCache } from './channel-basic-cache.js'

/** Why a credential was refused, for the log (never sent to the caller). */
export type RefusalReason =
  | 'missing'
  | 'malformed'
  | 'wrong'
  | 'expired'
  | 'claims'
  | 'algorithm'
  | 'keys_unavailable'
  | 'busy'
  | 'missing_definition'

export type SecurityVerdict =
  { ok: true } | { ok: false; status: 401 | 503; reason: RefusalReason; challenge: string }

export interface ChannelSecurity {
  readonly kind: SecurityKind
  /** Judges the request's credential; synchronous for API keys, so the hot path awaits nothing. */
  check(headers: IncomingHttpHeaders): SecurityVerdict | Promise<SecurityVerdict>
}

export interface ChannelSecurityOptions {
  /** The key set behind a JWKS URL, shared across store revisions (jose caches the keys in it). */
  jwks?: (url: string) => JWTVerifyGetKey
}

const REALM = 'realm="forcebridge"'
/** One-shot SHA-256: crypto.hash costs about half of createHash().update().digest(). */
const sha256 = (text: string): Buffer => hash('sha256', text, 'buffer')
const CLOCK_TOLERANCE_S = 30
const OK: SecurityVerdict = Object.freeze({ ok: true })

/** The checker for one security definition; build one per definition and store revision. */
export function channelSecurity(
  material: SecurityMaterial,
  options: ChannelSecurityOptions = {},
): ChannelSecurity {
  switch (material.kind) {
    case 'api_key':
      return apiKeySecurity(material.keyHash)
    case 'basic':
      return basicSecurity(material)
    case 'jwt':
      return jwtSecurity(material, options)
  }
}

function refuse(
  reason: RefusalReason,
  challenge: string,
  status: 401 | 503 = 401,
): SecurityVerdict {
  return { ok: false, status, reason, challenge }
}

function authorization(headers: IncomingHttpHeaders, scheme: 'Bearer' | 'Basic') {
  const auth = headers.authorization
  if (typeof auth !== 'string') return undefined
  // Schemes are case-insensitive (RFC 9110 §11.1).
  if (
    auth.length <= scheme.length + 1 ||
    auth.slice(0, scheme.length + 1).toLowerCase() !== `${scheme.toLowerCase()} `
  )
    return undefined
  return auth.slice(scheme.length + 1).trim() || undefined
}

function apiKeySecurity(keyHash: string): ChannelSecurity {
  const expected = Buffer.from(keyHash, 'hex')
  const challenge = `Bearer ${REALM}`
  return {
    kind: 'api_key',
    check(headers) {
      const header = headers['x-api-key']
      const key = (typeof header === 'string' && header) || authorization(headers, 'Bearer')
      if (!key) return refuse('missing', challenge)
      const presented = sha256(key)
      return presented.length === expected.length && timingSafeEqual(presented, expected)
        ? OK
        : refuse('wrong', challenge)
    },
  }
}

function basicSecurity(m: Extract<SecurityMaterial, { kind: 'basic' }>): ChannelSecurity {
  const challenge = `Basic ${REALM}, charset="UTF-8"`
  const expectedUser = sha256(m.username)
  const cache = new BasicCredentialCache(m.id)
  const verify = async (user: string, pass: string): Promise<boolean> => {
    // The password is checked even when the username is wrong, so the time taken does not tell
    // a caller which usernames exist.
    const passwordOk = await verifyPassword(pass, m.passwordHash)
    const userOk = timingSafeEqual(sha256(user), expectedUser)
    return passwordOk && userOk
  }
  return {
    kind: 'basic',
    async check(headers) {
      const encoded = authorization(headers, 'Basic')
      if (!encoded) return refuse('missing', challenge)
      const decoded = Buffer.from(encoded, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon < 0) return refuse('malformed', challenge)
      try {
        const ok = await cache.verify(decoded.slice(0, colon), decoded.slice(colon + 1), verify)
        return ok ? OK : refuse('wrong', challenge)
      } catch (err) {
        if (err instanceof BasicCheckBusyError) return refuse('busy', challenge, 503)
        throw err
      }
    },
  }
}

function jwtSecurity(
  m: Extract<SecurityMaterial, { kind: 'jwt' }>,
  options: ChannelSecurityOptions,
): ChannelSecurity {
  const missing = `Bearer ${REALM}`
  const invalid = `Bearer ${REALM}, error="invalid_token"`
  const key = jwtKey(m, options)
  const verifyOptions = {
    algorithms: [m.algorithm],
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_S,
    ...(m.issuer ? { issuer: m.issuer } : {}),
    ...(m.audience ? { audience: m.audience } : {}),
  }
  return {
    kind: 'jwt',
    async check(headers) {
      const token = authorization(headers, 'Bearer')
      if (!token) return refuse('missing', missing)
      if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) return refuse('malformed', invalid)
      try {
        const resolved = await key()
        if (typeof resolved === 'function') await jwtVerify(token, resolved, verifyOptions)
        else await jwtVerify(token, resolved, verifyOptions)
        return OK
      } catch (err) {
        const reason = jwtRefusal(err)
        return refuse(reason, invalid, reason === 'keys_unavailable' ? 503 : 401)
      }
    },
  }
}

type JwtKey = Uint8Array | CryptoKey | JWTVerifyGetKey

/** The verification key, imported once (lazily, so a bad stored key fails a call, not startup). */
function jwtKey(
  m: Extract<SecurityMaterial, { kind: 'jwt' }>,
  options: ChannelSecurityOptions,
): () => Promise<JwtKey> {
  if (m.algorithm === 'HS256') {
    const secret = new TextEncoder().encode(m.secret ?? '')
    return () => Promise.resolve(secret)
  }
  if (m.jwksUrl) {
    const getKey = options.jwks?.(m.jwksUrl)
    if (!getKey) return () => Promise.reject(new KeysUnavailable('no JWKS fetcher'))
    return () => Promise.resolve(getKey)
  }
  let imported: Promise<CryptoKey> | undefined
  return () => {
    const pem = m.publicKey ?? ''
    imported ??= (
      pem.includes('BEGIN CERTIFICATE') ? importX509(pem, 'RS256') : importSPKI(pem, 'RS256')
    ).catch((cause: unknown) => {
      imported = undefined
      throw new KeysUnavailable('the stored public key does not import', { cause })
    })
    return imported
  }
}

class KeysUnavailable extends Error {}

/** jose's error codes, folded into the reason classes the log shows. */
function jwtRefusal(err: unknown): RefusalReason {
  if (err instanceof KeysUnavailable || err instanceof errors.JWKSTimeout) return 'keys_unavailable'
  if (err instanceof errors.JWTExpired) return 'expired'
  if (err instanceof errors.JWTClaimValidationFailed) return 'claims'
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm'
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed'
  if (
    err instanceof errors.JWSSignatureVerificationFailed ||
    err instanceof errors.JWKSNoMatchingKey ||
    err instanceof errors.JWKSMultipleMatchingKeys ||
    err instanceof errors.JOSENotSupported ||
    err instanceof errors.JWKInvalid
  )
    return 'wrong'
  // Anything else came from reaching the key set (network, a non-200 answer, bad JSON).
  return 'keys_unavailable'
}
