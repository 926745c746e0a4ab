// Settings from the environment, parsed once at start with a clear message for each bad value
// and frozen; nothing deeper in the code reads process.env.
import { resolve } from 'node:path'
import { z } from 'zod'
import {
  databaseTarget,
  MIN_PASSWORD,
  type DatabaseTarget,
  type StoreOptions,
} from '../../store/index.js'
import { DEFAULT_SERVER_LIMITS, ForcebridgeError, type ServerLimits } from '../../util/index.js'
import { blockListOf, publicUrlOf } from './address-settings.js'

/** In front of every key forcebridge writes to Redis, unless FORCEBRIDGE_REDIS_PREFIX says. */
export const DEFAULT_REDIS_PREFIX = 'forcebridge:'

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(fallback)

const wholeMs = (fallback: number, min: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(3_600_000, 'must be at most 3600000 (an hour)')
    .default(fallback)

const count = (fallback: number, min: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be ${min} or more`)
    .max(1_000_000, 'must be at most 1000000')
    .default(fallback)

/** A setting checked by a function that throws ForcebridgeError; its message becomes the issue. */
const checked = <T>(check: (text: string) => T) =>
  z.string().transform((text, ctx) => {
    try {
      return check(text)
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) })
      return z.NEVER
    }
  })

const envSchema = z.object({
  /** Data folder: the store, the key file, the emulator's org. Default `./.forcebridge`. */
  FORCEBRIDGE_HOME: z.string().min(1, 'must not be empty').default('.forcebridge'),
  /** Base64 of 32 bytes; default: a key file generated in FORCEBRIDGE_HOME. */
  FORCEBRIDGE_SECRET_KEY: z.string().optional(),
  /**
   * `postgres://user:password@host:5432/database`: keep the store (and the queue, schedules,
   * Bulk journal) in PostgreSQL. Default: unset, SQLite in FORCEBRIDGE_HOME. The message never
   * repeats the value, which holds a password.
   */
  FORCEBRIDGE_DATABASE_URL: z
    .string()
    .refine(
      (url) => /^postgres(ql)?:\/\/[^\s]+$/i.test(url) && URL.canParse(url),
      'must be a PostgreSQL URL such as postgres://user:password@host:5432/database ' +
        '(percent-encode special characters in the password), or unset for SQLite in FORCEBRIDGE_HOME',
    )
    .optional(),
  /**
   * Connections each process opens to PostgreSQL at most (beside one for change notices).
   * Default 10; only read with FORCEBRIDGE_DATABASE_URL.
   */
  FORCEBRIDGE_DATABASE_POOL_SIZE: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(200, 'must be at most 200')
    .default(10),
  /** Port of the services' HTTP server. Default 8400. */
  FORCEBRIDGE_PORT: port(8400),
  /** Port of the demo's emulator. Default 8401. */
  FORCEBRIDGE_EMULATOR_PORT: port(8401),
  /** Address to listen on. Default 127.0.0.1: nothing is exposed unless asked. */
  FORCEBRIDGE_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  /** pino level. Default info. */
  FORCEBRIDGE_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  /** Async jobs run at once by this process; 0 runs no worker. Default 4. */
  FORCEBRIDGE_WORKER_CONCURRENCY: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(1000, 'must be at most 1000')
    .default(4),
  /**
   * How long a running job is leased to this process, in milliseconds. A job whose process died
   * runs again after its lease runs out. Default 30000.
   */
  FORCEBRIDGE_JOB_LEASE_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(100, 'must be at least 100')
    .default(30_000),
  /**
   * How long an event subscription's lease lasts unless renewed, in milliseconds: another
   * process takes a subscription over this long after its consumer died. Default 30000.
   */
  FORCEBRIDGE_SUBSCRIPTION_LEASE_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(100, 'must be at least 100')
    .default(30_000),
  /** `host:port` of the Pub/Sub API (the emulator's, say); default Salesforce's. */
  FORCEBRIDGE_PUBSUB_ENDPOINT: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .optional(),
  /**
   * On SIGTERM/SIGINT, how long running HTTP invocations may take to finish (new requests are
   * refused meanwhile) before they are aborted, in milliseconds. Default 30000.
   */
  FORCEBRIDGE_SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(600_000, 'must be at most 600000 (10 minutes)')
    .default(30_000),
  /** How often a server moves its heartbeat in the node registry, in ms. Default 5000. */
  FORCEBRIDGE_NODE_HEARTBEAT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(100, 'must be at least 100')
    .default(5_000),
  /** A node whose heartbeat is older than this is shown as gone, in ms. Default 30000. */
  FORCEBRIDGE_NODE_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(200, 'must be at least 200')
    .default(30_000),
  /**
   * GET /openapi.json: `public` serves it without authentication (it shows channel paths and
   * schemas, never a secret); `off` answers 404. Default public.
   */
  FORCEBRIDGE_OPENAPI: z
    .enum(['public', 'off'], { error: 'must be public or off' })
    .default('public'),
  /** Time a client has to send a request's line and headers, in ms. Default 10000. */
  FORCEBRIDGE_HEADERS_TIMEOUT_MS: wholeMs(DEFAULT_SERVER_LIMITS.headersTimeoutMs, 100),
  /** Time a client has to send a whole request, body included, in ms. Default 30000. */
  FORCEBRIDGE_REQUEST_TIMEOUT_MS: wholeMs(DEFAULT_SERVER_LIMITS.requestTimeoutMs, 100),
  /** How long a kept-alive connection may sit idle between requests, in ms. Default 5000. */
  FORCEBRIDGE_KEEP_ALIVE_TIMEOUT_MS: wholeMs(DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs, 100),
  /** Connections open at once per server; further ones are closed at once. Default 1000. */
  FORCEBRIDGE_MAX_CONNECTIONS: count(DEFAULT_SERVER_LIMITS.maxConnections, 1),
  /** Requests served on one connection before it is closed; 0: no cap. Default 1000. */
  FORCEBRIDGE_MAX_REQUESTS_PER_CONNECTION: count(DEFAULT_SERVER_LIMITS.maxRequestsPerSocket, 0),
  /**
   * The server's public base URL (e.g. `https://api.example.com`): the origin of every absolute
   * URL it hands out (job status URLs, /openapi.json's servers). Default: the listening address;
   * never the caller's Host header.
   */
  FORCEBRIDGE_PUBLIC_URL: checked(publicUrlOf).optional(),
  /**
   * Comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For, -Proto and
   * -Host headers are believed. Default: none (those headers are ignored).
   */
  FORCEBRIDGE_TRUSTED_PROXIES: checked((text) => {
    const list = text
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '')
    blockListOf(list)
    return list
  }).optional(),
  /** Name of the admin user FORCEBRIDGE_ADMIN_PASSWORD creates. Default admin. */
  FORCEBRIDGE_ADMIN_USER: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(120, 'must be at most 120 characters')
    .default('admin'),
  /**
   * `forcebridge start` creates the first admin user with this password when there is none
   * (for containers); it never changes an existing user. Default: unset.
   */
  FORCEBRIDGE_ADMIN_PASSWORD: z
    .string()
    .min(MIN_PASSWORD, `must be at least ${MIN_PASSWORD} characters`)
    .optional(),
  /**
   * `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS): the cluster's shared state
   * (tokens, login lock, rate limits, admin sessions, sign-in limits, usage) lives in this Redis.
   * Default: unset, each process keeps its own in memory.
   */
  FORCEBRIDGE_REDIS_URL: z
    .string()
    .refine(isRedisUrl, 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379')
    .optional(),
  /** In front of every key forcebridge writes to Redis. Default `forcebridge:`. */
  FORCEBRIDGE_REDIS_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, 'must be 1 to 100 letters, digits, or . _ : -')
    .default(DEFAULT_REDIS_PREFIX),
})

/** A URL ioredis connects to; the value itself never goes into a message (it may hold a password). */
function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== ''
  } catch {
    return false
  }
}

export interface Config {
  readonly home: string
  readonly secretKey: string | undefined
  /** The PostgreSQL database from FORCEBRIDGE_DATABASE_URL; undefined: SQLite in `home`. */
  readonly database: DatabaseTarget | undefined
  readonly port: number
  readonly emulatorPort: number
  readonly host: string
  readonly logLevel: z.output<typeof envSchema>['FORCEBRIDGE_LOG_LEVEL']
  /** Whether FORCEBRIDGE_LOG_LEVEL was set: one-shot commands log nothing unless it was. */
  readonly logLevelGiven: boolean
  readonly workerConcurrency: number
  readonly jobLeaseMs: number
  readonly subscriptionLeaseMs: number
  readonly pubsubEndpoint: string | undefined
  /** How long a shutdown lets running HTTP invocations finish, in ms. */
  readonly shutdownTimeoutMs: number
  /** The node registry's heartbeat period and the age past which a node counts as gone, in ms. */
  readonly node: { readonly heartbeatMs: number; readonly timeoutMs: number }
  /** Whether GET /openapi.json is served (`public`) or not (`off`). */
  readonly openapi: 'public' | 'off'
  /** Timeouts and caps of every server this process runs (services server, emulator). */
  readonly serverLimits: ServerLimits
  /** FORCEBRIDGE_PUBLIC_URL without a trailing slash, or undefined. */
  readonly publicUrl: string | undefined
  /** FORCEBRIDGE_TRUSTED_PROXIES: addresses and CIDR ranges; empty: no proxy is believed. */
  readonly trustedProxies: readonly string[]
  /** The first admin user `start` creates when there is none, from FORCEBRIDGE_ADMIN_*. */
  readonly firstAdmin: { readonly name: string; readonly password: string } | undefined
  /**
   * The shared state's Redis (FORCEBRIDGE_REDIS_URL, FORCEBRIDGE_REDIS_PREFIX); undefined: memory.
   * The URL may hold a password: never log it.
   */
  readonly redis: { readonly url: string; readonly prefix: string } | undefined
}

/** Parses the FORCEBRIDGE_* variables; INVALID_CONFIG names every bad one. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as shells make it easy to export one by accident.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
  const result = envSchema.safeParse(present)
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`)
    throw new ForcebridgeError('INVALID_CONFIG', `bad setting: ${lines.join('; ')}`)
  }
  const e = result.data
  if (e.FORCEBRIDGE_HEADERS_TIMEOUT_MS > e.FORCEBRIDGE_REQUEST_TIMEOUT_MS) {
    throw new ForcebridgeError(
      'INVALID_CONFIG',
      'bad setting: FORCEBRIDGE_HEADERS_TIMEOUT_MS must not be over FORCEBRIDGE_REQUEST_TIMEOUT_MS',
    )
  }
  return Object.freeze({
    home: resolve(e.FORCEBRIDGE_HOME),
    secretKey: e.FORCEBRIDGE_SECRET_KEY,
    database:
      e.FORCEBRIDGE_DATABASE_URL === undefined
        ? undefined
        : Object.freeze({
            ...databaseTarget(e.FORCEBRIDGE_DATABASE_URL),
            poolSize: e.FORCEBRIDGE_DATABASE_POOL_SIZE,
          }),
    port: e.FORCEBRIDGE_PORT,
    emulatorPort: e.FORCEBRIDGE_EMULATOR_PORT,
    host: e.FORCEBRIDGE_HOST,
    logLevel: e.FORCEBRIDGE_LOG_LEVEL,
    logLevelGiven: present.FORCEBRIDGE_LOG_LEVEL !== undefined,
    workerConcurrency: e.FORCEBRIDGE_WORKER_CONCURRENCY,
    jobLeaseMs: e.FORCEBRIDGE_JOB_LEASE_MS,
    subscriptionLeaseMs: e.FORCEBRIDGE_SUBSCRIPTION_LEASE_MS,
    pubsubEndpoint: e.FORCEBRIDGE_PUBSUB_ENDPOINT,
    shutdownTimeoutMs: e.FORCEBRIDGE_SHUTDOWN_TIMEOUT_MS,
    node: Object.freeze({
      heartbeatMs: e.FORCEBRIDGE_NODE_HEARTBEAT_MS,
      timeoutMs: e.FORCEBRIDGE_NODE_TIMEOUT_MS,
    }),
    openapi: e.FORCEBRIDGE_OPENAPI,
    serverLimits: Object.freeze({
      headersTimeoutMs: e.FORCEBRIDGE_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.FORCEBRIDGE_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.FORCEBRIDGE_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.FORCEBRIDGE_MAX_CONNECTIONS,
      maxRequestsPerSocket: e.FORCEBRIDGE_MAX_REQUESTS_PER_CONNECTION,
    }),
    publicUrl: e.FORCEBRIDGE_PUBLIC_URL,
    trustedProxies: Object.freeze(e.FORCEBRIDGE_TRUSTED_PROXIES ?? []),
    firstAdmin:
      e.FORCEBRIDGE_ADMIN_PASSWORD === undefined
        ? undefined
        : Object.freeze({ name: e.FORCEBRIDGE_ADMIN_USER, password: e.FORCEBRIDGE_ADMIN_PASSWORD }),
    redis:
      e.FORCEBRIDGE_REDIS_URL === undefined
        ? undefined
        : Object.freeze({ url: e.FORCEBRIDGE_REDIS_URL, prefix: e.FORCEBRIDGE_REDIS_PREFIX }),
  })
}

/** What opening the store takes from the settings: the home, the master key, the database. */
export function storeOptionsOf(config: Config): StoreOptions {
  return {
    home: config.home,
    ...(config.secretKey ? { secretKey: config.secretKey } : {}),
    ...(config.database ? { database: config.database } : {}),
  }
}
