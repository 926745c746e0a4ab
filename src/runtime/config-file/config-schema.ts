// The shape of a configuration file (version 1), checked with zod after `${VAR}` references are
// resolved. Connections get their detailed checks from the store's own connection schema.
import { Cron } from 'croner'
import { z } from 'zod'

const CHANNEL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
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

export const securityDefinitionSchema = z.strictObject({
  name,
  kind: z.literal('api_key', { error: 'must be api_key (the only kind the store holds)' }),
  // The store refuses shorter keys (SecurityRepository.createApiKey).
  apiKey: z.string().min(16, 'must be at least 16 characters'),
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
