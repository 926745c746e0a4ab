// The shape of a configuration file (version 1), checked with zod after `${VAR}` references are
// resolved. Connections get their detailed checks from the store's own connection schema.
import { Cron } from 'croner'
import { z } from 'zod'
import { CHANNEL_METHODS, JWT_ALGORITHMS, MIN_PASSWORD, SECURITY_KINDS } from '../../store/index.js'
const name = z.string().trim().min(1, 'must not be empty')

// Types are left to the store's connection schema (parseConnectionInput), so its messages are
// the ones an operator sees everywhere; here only unknown fields (typos) are refused.
const loose = z.unknown().optional()
export const connectionEntrySchema = z.strictObject({
  name: loose,
  active: loose,
  loginUrl: loose,
  apiVersion: loose,
  authFlow: loose,
  username: loose,
  clientId: loose,
  password: loose,
  securityToken: loose,
  clientSecret: loose,
  privateKey: loose,
  refreshToken: loose,
})

// Security definitions, one shape per kind. Secrets come as `${VAR}` references; the store's own
// checks (an RS256 public key jose can read, ...) run at apply time, at the entry's line.
const apiKeyDefinition = z.strictObject({
  name,
  kind: z.literal('api_key'),
  // The store refuses shorter keys (SecurityRepository.create).
  apiKey: z.string().min(16, 'must be at least 16 characters'),
})

const basicDefinition = z.strictObject({
  name,
  kind: z.literal('basic'),
  username: z
    .string()
    .min(1, 'must not be empty')
    .refine((u) => !u.includes(':'), 'must not contain a colon (HTTP Basic splits on it)'),
  password: z.string().min(MIN_PASSWORD, `must be at least ${MIN_PASSWORD} characters`),
})

const optionalText = z.string().trim().min(1, 'must not be empty').optional()
const jwtDefinition = z
  .strictObject({
    name,
    kind: z.literal('jwt'),
    algorithm: z.enum(JWT_ALGORITHMS, { error: `must be ${JWT_ALGORITHMS.join(' or ')}` }),
    // RFC 7518 §3.2: an HS256 key is at least as long as the hash output (256 bits).
    secret: z.string().min(32, 'must be at least 32 characters for HS256').optional(),
    publicKey: optionalText,
    jwksUrl: z
      .string()
      .trim()
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
      .optional(),
    issuer: optionalText,
    audience: optionalText,
  })
  .superRefine((d, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message })
    if (d.algorithm === 'HS256') {
      if (d.secret === undefined) problem('algorithm', 'HS256 needs a secret (a ${VAR} reference)')
      if (d.publicKey !== undefined) problem('publicKey', 'is for RS256; HS256 uses secret')
      if (d.jwksUrl !== undefined) problem('jwksUrl', 'is for RS256; HS256 uses secret')
    } else {
      if (d.secret !== undefined) problem('secret', 'is for HS256; RS256 uses publicKey or jwksUrl')
      if ((d.publicKey === undefined) === (d.jwksUrl === undefined)) {
        problem('algorithm', 'RS256 needs exactly one of publicKey and jwksUrl')
      }
    }
  })

export const securityDefinitionSchema = z.discriminatedUnion(
  'kind',
  [apiKeyDefinition, basicDefinition, jwtDefinition],
  { error: `must be one of ${SECURITY_KINDS.join(', ')}` },
)

// Bounds are the store's (ChannelRepository), repeated here so a bad value is reported at its
// own line rather than at the channel's.
const rateLimitSchema = z.strictObject({
  requests: z
    .number()
    .int('must be a whole number')
    .min(1, 'must allow at least 1 request')
    .max(1_000_000, 'must be at most 1000000'),
  perSeconds: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1 second')
    .max(86_400, 'must be at most 86400 (one day)'),
})

export const channelSchema = z.strictObject({
  method: z.preprocess(
    (m) => (typeof m === 'string' ? m.toUpperCase() : m),
    z.enum(CHANNEL_METHODS, { error: `must be one of ${CHANNEL_METHODS.join(', ')}` }),
  ),
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~:/-]*$/, 'must start with / and hold only URL path characters'),
  service: name,
  /** Name of a security definition (in this file or already in the store); left out: open. */
  securityDefinition: name.optional(),
  /** Left out: no rate limit. */
  rateLimit: rateLimitSchema.optional(),
  /** Left out: the service's own timeout. */
  timeoutMs: z
    .number()
    .int('must be a whole number of milliseconds')
    .min(100, 'must be at least 100 ms')
    .max(3_600_000, 'must be at most one hour (3600000)')
    .optional(),
  /** Left out: the server default (1 MiB). */
  maxBodyBytes: z
    .number()
    .int('must be a whole number of bytes')
    .min(1, 'must be at least 1 byte')
    .max(1024 ** 3, 'must be at most 1 GiB (1073741824)')
    .optional(),
})

export const scheduleSchema = z
  .strictObject({
    name: z
      .string()
      .max(128, 'must be at most 128 characters')
      .regex(/^[A-Za-z0-9][A-Za-z0-9 ._:-]*$/, 'use letters, digits, space and ._:- only'),
    cron: z.string().min(1, 'must not be empty'),
    timezone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris or UTC')
      .optional(),
    service: name,
    input: z.unknown().optional(),
    enabled: z.boolean().default(true),
    missedRunPolicy: z.enum(['skip', 'run-once', 'run-all']).default('skip'),
    maxCatchUp: z.number().int().min(1).max(10_000).default(100),
  })
  .superRefine((s, ctx) => {
    const problem = cronProblem(s.cron, s.timezone)
    if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: problem })
  })

const list = <T extends z.ZodType>(item: T) =>
  z.array(item, { error: 'must be a list (lines starting with -)' }).default([])

export const configFileSchema = z.strictObject(
  {
    version: z.literal(1, { error: 'must be 1' }),
    connections: list(connectionEntrySchema),
    securityDefinitions: list(securityDefinitionSchema),
    channels: list(channelSchema),
    schedules: list(scheduleSchema),
  },
  { error: 'must be a mapping that starts with version: 1' },
)

export type ConfigFileContent = z.output<typeof configFileSchema>
export type ChannelEntry = z.output<typeof channelSchema>
export type ScheduleEntry = z.output<typeof scheduleSchema>
export type SecurityDefinitionEntry = z.output<typeof securityDefinitionSchema>

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** Read the way the scheduler reads it (croner, 5 or 6 fields), so import refuses what it would. */
function cronProblem(pattern: string, timezone: string | undefined): string | undefined {
  try {
    new Cron(pattern, { timezone: timezone ?? 'UTC', mode: '5-or-6-parts' })
    return undefined
  } catch (err) {
    const why = err instanceof Error ? err.message : 'unreadable'
    return `is not a valid cron pattern (${why}); use 5 fields such as '0 2 * * *'`
  }
}
