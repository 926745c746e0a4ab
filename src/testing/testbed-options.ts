// The options of startTestbed: what a user's test declares (services, org, connections,
// channels, settings), validated once with zod so a typo fails with the field it is in.
import { z } from 'zod'
import type { OrgFile } from '../emulator/index.js'
import { CHANNEL_METHODS, type ChannelMethod, type RateLimit } from '../store/index.js'
import { isService, type AnyService } from '../runtime/index.js'
import { ForcebridgeError } from '../util/index.js'

/** The connection name the examples and `forcebridge dev` use. */
export const DEFAULT_CONNECTION = 'My Salesforce Connection'

/** A channel the testbed opens: an HTTP method and path mapped to a service. */
export interface TestbedChannel {
  method: ChannelMethod
  /** The full path, with `:parameters`, e.g. `/api/campaigns` or `/orders/:id`. */
  path: string
  /** The service it calls. */
  service: string
  /**
   * Open to anyone. Default false: the channel asks for the testbed's API key, which
   * `bed.request` sends for you (`bed.apiKey`).
   */
  public?: boolean
  /** At most `requests` calls per `perSeconds` seconds. Default: none. */
  rateLimit?: RateLimit
  /** The service's time budget on this channel, in ms. Default: the service's own. */
  timeoutMs?: number
  /** Largest request body in bytes. Default 1 MiB. */
  maxBodyBytes?: number
}

/** What startTestbed runs. Every field but `services` may be left out. */
export interface TestbedOptions {
  /**
   * The services: a folder (every service file directly in it, as `forcebridge start` loads
   * them), or a list of folders, service files and service objects made by `defineService`.
   * A file that does not load fails the start with its error.
   */
  services: string | readonly (string | AnyService)[]
  /**
   * The emulated org: the path of an org file (YAML or JSON, see docs/emulator.md) or the
   * parsed object. Default: the built-in demo org (one user, one connected app,
   * `Campaign.Segment__c`, `Invoice__c`).
   */
  org?: string | OrgFile
  /**
   * The connection name(s) your services pass to `ctx.salesforce(name)`; each is made to log
   * in to the emulator as the org's first user through its first connected app that allows the
   * password flow. Default `'My Salesforce Connection'`.
   */
  connection?: string | readonly string[]
  /** Channels to open. Default: none (call services with `bed.invoke`). */
  channels?: readonly TestbedChannel[]
  /**
   * Each service's own settings, by service name, as `forcebridge service settings` would set
   * them; checked against the service's `settings` schema.
   */
  settings?: Readonly<Record<string, Record<string, unknown>>>
  /** Level of the runtime's JSON log lines on stderr. Default `'silent'`. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
}

const serviceEntry = z.union([
  z.string().min(1, 'must not be empty'),
  z.custom<AnyService>(isService, 'must be a folder, a file or a service made by defineService'),
])

const optionsSchema = z.strictObject({
  services: z.union([z.string().min(1, 'must not be empty'), z.array(serviceEntry)]),
  org: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  connection: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1, 'must name a connection')])
    .optional(),
  channels: z
    .array(
      z.strictObject({
        method: z.enum(CHANNEL_METHODS, { error: `must be one of ${CHANNEL_METHODS.join(', ')}` }),
        path: z.string().startsWith('/', 'must start with /'),
        service: z.string().min(1, 'must name a service'),
        public: z.boolean().optional(),
        rateLimit: z.object({ requests: z.number(), perSeconds: z.number() }).optional(),
        timeoutMs: z.number().optional(),
        maxBodyBytes: z.number().optional(),
      }),
    )
    .optional(),
  settings: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
})

/** The options, checked; throws TESTBED_INVALID_OPTIONS naming every bad field. */
export function parseTestbedOptions(raw: TestbedOptions): TestbedOptions {
  const parsed = optionsSchema.safeParse(raw)
  if (parsed.success) return raw
  const problems = parsed.error.issues
    .map((i) => `${i.path.map(String).join('.') || '(options)'}: ${i.message}`)
    .join('; ')
  throw new ForcebridgeError(
    'TESTBED_INVALID_OPTIONS',
    `startTestbed: ${problems}; see docs/testing.md for the options`,
  )
}
