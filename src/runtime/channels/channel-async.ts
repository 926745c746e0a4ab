// Asynchronous channel calls (RFC 7240 `Prefer: respond-async`): the admitted call's input is
// validated now, put on the durable queue, and answered 202 with a status URL that a caller (or a
// partner it hands the URL to) polls at GET /jobs/<id>?token=<token>.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ChannelInfo } from '../../store/index.js'
import type { Invoker } from '../services/index.js'
import type { JobStatusTokens } from './job-status-tokens.js'
import type { JobQueue } from '../queue/index.js'

/** `Idempotency-Key`: 1 to 200 printable ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,200}$/

/**
 * Whether a `Prefer` header value asks for `respond-async`. The header is a comma-separated list
 * of preferences, each `token[=value]` with optional `;parameters`; values may be quoted (and
 * hold commas), and several Prefer headers arrive joined with ", ". Names are case-insensitive.
 *
 * @example
 * prefersAsync('respond-async, wait=5') // true
 * prefersAsync('return=minimal') // false
 */
export function prefersAsync(prefer: string | string[] | undefined): boolean {
  if (prefer === undefined) return false
  const value = Array.isArray(prefer) ? prefer.join(',') : prefer
  return preferenceNames(value).includes('respond-async')
}

/** The names of the preferences in `value`, lower-cased, in order. */
export function preferenceNames(value: string): string[] {
  const names: string[] = []
  let i = 0
  while (i < value.length) {
    // One preference: its name runs up to '=', ';', ',' or whitespace.
    while (i < value.length && /[\s,]/.test(value.charAt(i))) i++
    const start = i
    while (i < value.length && !/[\s=;,]/.test(value.charAt(i))) i++
    if (i > start) names.push(value.slice(start, i).toLowerCase())
    // Skip its value and parameters, quoted strings included, to the next top-level comma.
    let quoted = false
    while (i < value.length) {
      const c = value.charAt(i)
      if (quoted) {
        if (c === '\\') i++
        else if (c === '"') quoted = false
      } else if (c === '"') quoted = true
      else if (c === ',') break
      i++
    }
  }
  return names
}

export interface AsyncCallOptions {
  invoker: Invoker
  queue: JobQueue
  tokens: JobStatusTokens
  /** The origin of the status URL (public-origin.ts): never the caller's Host header. */
  origin: (req: FastifyRequest) => string
}

/** The 202 body of an asynchronous call. */
export interface AcceptedCall {
  jobId: string
  state: string
  statusUrl: string
}

/**
 * Answers one admitted channel call asynchronously: 400 for a bad `Idempotency-Key` or input
 * (nothing is queued), else 202 with the job. A repeated `Idempotency-Key` on the same channel
 * returns the job queued first, in its current state.
 */
export async function respondAsync(
  options: AsyncCallOptions,
  req: FastifyRequest,
  reply: FastifyReply,
  channel: ChannelInfo,
  input: unknown,
): Promise<FastifyReply> {
  const given = req.headers['idempotency-key']
  if (given !== undefined && (typeof given !== 'string' || !IDEMPOTENCY_KEY.test(given))) {
    return reply.code(400).send({
      error: 'INVALID_IDEMPOTENCY_KEY',
      message:
        'the Idempotency-Key header must be one value of 1 to 200 printable ASCII characters',
    })
  }
  // Scoped to the channel: two channels (or partners on them) may pick the same key.
  const idempotencyKey = given === undefined ? undefined : `channel:${channel.id}:${given}`
  const { jobId } = await options.invoker.invokeAsync(channel.service, input, {
    correlationId: req.id,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  })
  // A new job is queued; a repeated key may name one that already ran, so say where it is.
  const state = idempotencyKey ? ((await options.queue.get(jobId))?.state ?? 'queued') : 'queued'
  const statusUrl = `${options.origin(req)}/jobs/${encodeURIComponent(jobId)}?token=${await options.tokens.sign(jobId)}`
  const body: AcceptedCall = { jobId, state, statusUrl }
  return reply
    .code(202)
    .header('Location', statusUrl)
    .header('Preference-Applied', 'respond-async')
    .send(body)
}
