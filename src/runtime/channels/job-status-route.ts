// GET /jobs/:id?token=<token>[&wait=<seconds>]: the status of a job started by an asynchronous
// channel call. The token (job-status-tokens.ts) is the only credential. A missing or wrong token
// and an unknown job get the same 404, so the route tells nothing about which ids exist; the
// answer never holds the job's input.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { z } from 'zod'
import { setRouteLabel } from '../metrics/index.js'
import type { JobStatusTokens } from './job-status-tokens.js'
import type { JobDetail, JobQueue } from '../queue/index.js'

/** Longest long poll a caller may ask for, in seconds. */
export const MAX_WAIT_SECONDS = 30
/** How often a long poll reads the job again. */
const POLL_MS = 100

export interface JobStatusRouteOptions {
  queue: JobQueue
  tokens: JobStatusTokens
  /** True once the server is closing: long polls answer at once. */
  closing: () => boolean
}

/** What GET /jobs/:id answers. */
export interface JobStatus {
  jobId: string
  state: JobDetail['state']
  attempts: number
  createdAt: string
  finishedAt: string | null
  output?: unknown
  error?: { code: string; message: string }
}

const querySchema = z.object({
  // Anything but one string is a wrong token (404), not a bad request.
  token: z.unknown().optional(),
  // Above the maximum is not an error: the caller gets the longest wait there is.
  wait: z.coerce
    .number({ error: 'must be a number of seconds' })
    .min(0, 'must not be negative')
    .transform((s) => Math.min(s, MAX_WAIT_SECONDS))
    .optional(),
})

const NOT_FOUND = { error: 'NOT_FOUND', message: 'no such job, or the token does not match it' }

/** Adds the route to the services' server (its Fastify type, with the runtime's logger). */
export function registerJobStatusRoute(
  app: FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>,
  options: JobStatusRouteOptions,
): void {
  const { queue, tokens } = options
  app.get<{ Params: { id: string } }>('/jobs/:id', async (req, reply) => {
    // One label for every job, not a series per id.
    setRouteLabel(req, '/jobs/:id')
    reply.header('Cache-Control', 'no-store')
    const query = querySchema.safeParse(req.query)
    if (!query.success) {
      const issue = query.error.issues[0]
      return reply.code(400).send({
        error: 'BAD_REQUEST',
        message: `query parameter ${issue?.path.join('.') ?? '?'} ${issue?.message ?? 'is invalid'}`,
      })
    }
    const { token, wait = 0 } = query.data
    const id = req.params.id
    if (typeof token !== 'string' || !(await tokens.verify(id, token))) {
      return reply.code(404).send(NOT_FOUND)
    }
    const job = await waitForJob(req, reply, queue, id, wait, options.closing)
    if (job === 'gone') {
      // Nobody is left to read an answer.
      reply.hijack()
      reply.raw.destroy()
      return reply
    }
    if (!job) return reply.code(404).send(NOT_FOUND)
    if (!finished(job)) reply.header('Retry-After', 1)
    return reply.code(200).send(statusOf(job))
  })
}

/** The job once it finished or `waitSeconds` passed; 'gone' when the caller left meanwhile. */
async function waitForJob(
  req: FastifyRequest,
  reply: FastifyReply,
  queue: JobQueue,
  id: string,
  waitSeconds: number,
  closing: () => boolean,
): Promise<JobDetail | null | 'gone'> {
  let job = await queue.get(id)
  if (!job || finished(job) || waitSeconds === 0) return job
  const until = Date.now() + waitSeconds * 1000
  let gone = false
  let wake: (() => void) | undefined
  const onClose = () => {
    if (reply.raw.writableFinished) return
    gone = true
    wake?.()
  }
  reply.raw.once('close', onClose)
  try {
    while (job && !finished(job) && !gone && !closing()) {
      const left = until - Date.now()
      if (left <= 0) break
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(POLL_MS, left))
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      wake = undefined
      if (!gone) job = await queue.get(id)
    }
  } finally {
    reply.raw.off('close', onClose)
  }
  req.log.debug({ jobId: id, state: job?.state }, 'job status long poll ended')
  return gone ? 'gone' : job
}

function finished(job: JobDetail): boolean {
  return job.state === 'succeeded' || job.state === 'dead'
}

/** The public view of a job: never its input, nor the attempt history. */
export function statusOf(job: JobDetail): JobStatus {
  const status: JobStatus = {
    jobId: job.id,
    state: job.state,
    attempts: job.attempts,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  }
  if (job.state === 'succeeded') status.output = job.output
  // Dead, or queued again after a failed attempt (retrying): say what went wrong.
  if (job.lastError && job.state !== 'succeeded') {
    status.error =
      job.lastError.code === null
        ? {
            // An error without a code is a bug in the service: like the synchronous 500, its
            // text stays in the server log (under the job's correlation id), not in the answer.
            code: 'INTERNAL_ERROR',
            message: `the service failed unexpectedly; the server log has the details under correlation id ${job.correlationId ?? job.id}`,
          }
        : { code: job.lastError.code, message: job.lastError.message }
  }
  return status
}
