// What a security definition is, apart from where it is kept: its kinds, the shape list/get
// return (never a secret), what verification needs, the zod schemas that check an input, and the
// mapping from a stored row. The repository (security-repository.ts) does the storing.
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { ForcebridgeError } from '../util/index.js'
import type { SecurityDefinitionRow } from './database-schema.js'
import { MIN_PASSWORD } from './password-hash.js'

export const SECURITY_KINDS = ['api_key', 'basic', 'jwt'] as const
export type SecurityKind = (typeof SECURITY_KINDS)[number]
export const JWT_ALGORITHMS = ['HS256', 'RS256'] as const
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number]

interface Base {
  id: string
  name: string
  createdAt: string
  updatedAt: string
}

export interface JwtSettings {
  algorithm: JwtAlgorithm
  /** RS256: the public key as PEM (SPKI `PUBLIC KEY` or an X.509 `CERTIFICATE`). */
  publicKey: string | null
  /** RS256: where the signing keys are published (instead of publicKey). */
  jwksUrl: string | null
  /** When set, a token's `iss` must equal it. */
  issuer: string | null
  /** When set, a token's `aud` must contain it. */
  audience: string | null
}

/** A definition as list/get return it: never a key, password or secret. */
export type SecurityDefinitionInfo =
  | (Base & { kind: 'api_key' })
  | (Base & { kind: 'basic'; username: string })
  | (Base & { kind: 'jwt' } & JwtSettings & { hasSecret: boolean })

/** What the runtime needs to check a credential. Internal: never log or return it. */
export type SecurityMaterial =
  | { id: string; kind: 'api_key'; keyHash: string }
  | { id: string; kind: 'basic'; username: string; passwordHash: string }
  | ({ id: string; kind: 'jwt'; secret: string | null } & JwtSettings)

const name = z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters')
const optionalText = z
  .string()
  .trim()
  .max(2000)
  .nullish()
  .transform((v) => (v ? v : null))

const apiKeyInput = z.object({
  kind: z.literal('api_key'),
  name,
  /** Left out: a random key is made. */
  key: z.string().min(16, 'must be at least 16 characters').max(500).optional(),
})

export const basicInput = z.object({
  kind: z.literal('basic'),
  name,
  username: z
    .string()
    .min(1, 'is required')
    .max(200)
    .refine((u) => !u.includes(':'), 'must not contain a colon (HTTP Basic splits on it)'),
  password: z.string().min(MIN_PASSWORD, `must be at least ${MIN_PASSWORD} characters`).max(1000),
})

const jwtInput = z.object({
  kind: z.literal('jwt'),
  name,
  algorithm: z.enum(JWT_ALGORITHMS),
  // RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits).
  secret: z.string().min(32, 'must be at least 32 characters for HS256').max(4096).optional(),
  publicKey: optionalText,
  jwksUrl: z
    .string()
    .trim()
    .url('must be a URL')
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .nullish()
    .transform((v) => v ?? null),
  issuer: optionalText,
  audience: optionalText,
})

export const securityDefinitionInput = z.discriminatedUnion('kind', [
  apiKeyInput,
  basicInput,
  jwtInput,
])
export type SecurityDefinitionInput = z.input<typeof securityDefinitionInput>

/** Changes to a definition: fields left out keep their value; a secret left out keeps the stored one. */
export interface SecurityDefinitionChanges {
  name?: string
  /** api_key: a new key (`rotate: true` makes a random one). */
  key?: string
  rotate?: boolean
  /** basic */
  username?: string
  password?: string
  /** jwt */
  algorithm?: JwtAlgorithm
  secret?: string
  publicKey?: string | null
  jwksUrl?: string | null
  issuer?: string | null
  audience?: string | null
}

export interface SecurityWriteResult {
  definition: SecurityDefinitionInfo
  /** api_key only, when a key was made or replaced: shown this once. */
  key?: string
}

export function invalid(issues: z.core.$ZodIssue[]): ForcebridgeError {
  const lines = issues.map((i) => `${i.path.join('.') || 'definition'} ${i.message}`)
  return new ForcebridgeError(
    'INVALID_SECURITY',
    `invalid security definition: ${lines.join('; ')}`,
  )
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** Refuses a public key jose cannot use for RS256, with a message that says what to give. */
export async function checkPublicKey(pem: string): Promise<void> {
  // Imported here, not at the top: jose is some 45 modules that every open of the store would
  // load, for a check made only when a JWT definition is written.
  const { importSPKI, importX509 } = await import('jose')
  try {
    if (pem.includes('BEGIN CERTIFICATE')) await importX509(pem, 'RS256')
    else await importSPKI(pem, 'RS256')
  } catch {
    throw new ForcebridgeError(
      'INVALID_SECURITY',
      'invalid security definition: publicKey is not an RSA public key; give a PEM "PUBLIC KEY" (SPKI) or "CERTIFICATE"',
    )
  }
}

export function parseConfig(row: SecurityDefinitionRow): Record<string, unknown> {
  if (!row.config) return {}
  try {
    return JSON.parse(row.config) as Record<string, unknown>
  } catch {
    return {}
  }
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null
}

export function toInfo(row: SecurityDefinitionRow): SecurityDefinitionInfo {
  const base: Base = {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at ?? row.created_at,
  }
  const config = parseConfig(row)
  if (row.kind === 'basic') return { ...base, kind: 'basic', username: text(config.username) ?? '' }
  if (row.kind === 'jwt') {
    return {
      ...base,
      kind: 'jwt',
      algorithm: config.algorithm === 'RS256' ? 'RS256' : 'HS256',
      publicKey: text(config.publicKey),
      jwksUrl: text(config.jwksUrl),
      issuer: text(config.issuer),
      audience: text(config.audience),
      hasSecret: row.secret_enc !== null,
    }
  }
  return { ...base, kind: 'api_key' }
}
