// What a connection is made of, validated with zod on every save: one clear message per bad
// field, and the secrets each auth flow needs refused when missing or empty.
import { z } from 'zod'
import { ForcebridgeError } from '../util/index.js'

export const AUTH_FLOWS = ['password', 'client_credentials', 'jwt_bearer', 'refresh_token'] as const
export type AuthFlow = (typeof AUTH_FLOWS)[number]

export const SECRET_FIELDS = [
  'password',
  'securityToken',
  'clientSecret',
  'privateKey',
  'refreshToken',
] as const
export type SecretField = (typeof SECRET_FIELDS)[number]

/** Which fields each flow cannot work without (Salesforce's token endpoint, salesforce-api.md §1.3–1.6). */
const REQUIRED: Record<AuthFlow, readonly (keyof ConnectionInput)[]> = {
  // The security token stays optional: it is not needed from a trusted IP range.
  password: ['username', 'password', 'clientId', 'clientSecret'],
  client_credentials: ['clientId', 'clientSecret'],
  jwt_bearer: ['clientId', 'username', 'privateKey'],
  // The client secret is optional unless the connected app requires it.
  refresh_token: ['clientId', 'refreshToken'],
}

const secret = z.string().min(1, 'must not be empty').optional()

export const connectionInputSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(120, 'must be at most 120 characters')
      // Any script is welcome; control characters would corrupt tables and logs.
      .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters'),
    active: z.boolean().default(true),
    loginUrl: z
      .url({
        protocol: /^https?$/,
        error: 'must be an http(s) URL such as https://login.salesforce.com',
      })
      .transform((u) => u.replace(/\/+$/, '')),
    apiVersion: z
      .string()
      .regex(/^\d{2,3}\.0$/, 'must look like 66.0')
      .default('66.0'),
    authFlow: z.enum(AUTH_FLOWS, { error: `must be one of ${AUTH_FLOWS.join(', ')}` }),
    username: z.string().trim().min(1, 'must not be empty').optional(),
    clientId: z.string().trim().min(1, 'must not be empty').optional(),
    password: secret,
    securityToken: secret,
    clientSecret: secret,
    privateKey: secret.refine(
      (k) => k === undefined || k.includes('PRIVATE KEY-----'),
      'must be a PEM private key (-----BEGIN PRIVATE KEY-----)',
    ),
    refreshToken: secret,
  })
  .superRefine((c, ctx) => {
    for (const field of REQUIRED[c.authFlow]) {
      if (c[field] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `is required for the ${c.authFlow} flow`,
        })
      }
    }
  })

export type ConnectionInput = z.output<typeof connectionInputSchema>
export type ConnectionInputRaw = z.input<typeof connectionInputSchema>

/** Validates a connection, throwing INVALID_CONNECTION with one line per bad field. */
export function parseConnectionInput(raw: unknown): ConnectionInput {
  const result = connectionInputSchema.safeParse(raw)
  if (result.success) return result.data
  const lines = result.error.issues.map(
    (i) => `${i.path.length ? i.path.join('.') : 'connection'} ${i.message}`,
  )
  throw new ForcebridgeError('INVALID_CONNECTION', `invalid connection: ${lines.join('; ')}`, {
    cause: result.error,
  })
}
