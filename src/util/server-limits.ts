// Timeouts and caps of an HTTP server we run (the services server, the emulator), so that slow
// or idle clients cannot hold its sockets: Node's and Fastify's defaults leave most of them off.

/** Limits of one HTTP listener; every field in milliseconds or a count. */
export interface ServerLimits {
  /** Time a client has to send the whole request head (line and headers). Default 10,000 ms. */
  readonly headersTimeoutMs: number
  /** Time a client has to send the whole request, body included. Default 30,000 ms. */
  readonly requestTimeoutMs: number
  /** How long a kept-alive socket may sit idle between requests. Default 5,000 ms. */
  readonly keepAliveTimeoutMs: number
  /** Open sockets at once; further ones are closed as they arrive. Default 1,000. */
  readonly maxConnections: number
  /** Requests served on one socket before it is closed (0: no cap). Default 1,000. */
  readonly maxRequestsPerSocket: number
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
  maxRequestsPerSocket: 1_000,
})

/**
 * The Fastify options carrying `limits` (pass them to `Fastify({...})`), and `applyServerLimits`
 * for what Fastify has no option for. Node checks header and request timeouts on an interval
 * (30 s by default), so it is tied to the timeouts: a slow client is cut off close to its limit.
 */
export function fastifyLimitOptions(limits: ServerLimits) {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs)
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    http: {
      // Both given here too: Node refuses a headers timeout over the request timeout at creation.
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(25, Math.min(5_000, Math.floor(shortest / 4))),
    },
  }
}

/** Sets on a created server what Fastify's options do not: the connection cap. */
export function applyServerLimits(
  server: { maxConnections: number; headersTimeout: number },
  limits: ServerLimits,
): void {
  server.maxConnections = limits.maxConnections
  server.headersTimeout = limits.headersTimeoutMs
}

/** `limits` filled from the defaults, refusing values Node would misread. */
export function serverLimitsOf(limits: Partial<ServerLimits> = {}): ServerLimits {
  const out = { ...DEFAULT_SERVER_LIMITS, ...stripUndefined(limits) }
  for (const [name, value] of Object.entries(out)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`server limits: ${name} must be a whole number, 0 or more`)
    }
  }
  if (out.headersTimeoutMs < 1 || out.requestTimeoutMs < 1 || out.maxConnections < 1) {
    throw new RangeError(
      'server limits: headersTimeoutMs, requestTimeoutMs and maxConnections must be 1 or more',
    )
  }
  if (out.headersTimeoutMs > out.requestTimeoutMs) {
    throw new RangeError('server limits: headersTimeoutMs must not be over requestTimeoutMs')
  }
  return Object.freeze(out)
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
