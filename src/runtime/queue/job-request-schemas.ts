// Validation of what callers hand the queue (enqueue, list, purge), done once at the edge so
// the backends can trust their arguments. Failures become INVALID_JOB_REQUEST errors.
import { z } from 'zod'
import { ForcebridgeError, type ErrorCode } from '../../util/index.js'
import type { EnqueueRequest, ListJobsOptions, PurgeOptions } from './job.js'

const enqueueSchema = z.object({
  service: z.string().min(1).max(200),
  input: z.unknown(),
  idempotencyKey: z.string().min(1).max(500).optional(),
  maxAttempts: z.number().int().min(1).max(1000).optional(),
  runAt: z.date().optional(),
  correlationId: z.string().min(1).max(200).optional(),
})

const listSchema = z.object({
  state: z.enum(['queued', 'running', 'succeeded', 'dead', 'retrying']).optional(),
  service: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(500).optional(),
  cursor: z.string().min(1).optional(),
})

const purgeSchema = z.object({
  // Purging running jobs would pull work from under a live worker; stop it first.
  state: z.enum(['queued', 'succeeded', 'dead']).optional(),
  olderThan: z.date().optional(),
})

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {})
  if (result.success) return result.data
  const issues = result.error.issues
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ')
  throw new ForcebridgeError(
    'INVALID_JOB_REQUEST',
    `${what}: ${issues}; fix these fields and call again`,
  )
}

export function parseEnqueueRequest(request: EnqueueRequest): EnqueueRequest {
  return parse(enqueueSchema, request, 'enqueue rejected the job')
}

export function parseListOptions(options: ListJobsOptions | undefined): ListJobsOptions {
  return parse(listSchema, options, 'list rejected its options')
}

export function parsePurgeOptions(options: PurgeOptions | undefined): PurgeOptions {
  return parse(purgeSchema, options, 'purge rejected its options')
}

/** Serialises a job's input or output; undefined is stored as null. */
export function toJsonText(value: unknown, code: ErrorCode, what: string): string {
  let text: string | undefined
  try {
    text = JSON.stringify(value ?? null)
  } catch (cause) {
    throw new ForcebridgeError(code, `${what} cannot be stored as JSON; return plain data`, {
      cause,
    })
  }
  if (text === undefined) {
    throw new ForcebridgeError(code, `${what} cannot be stored as JSON; return plain data`)
  }
  return text
}

/** A list cursor is the (created_at, id) of the last job on a page, base64url-encoded. */
export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([Number(createdAt), id])).toString('base64url')
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (
      Array.isArray(value) &&
      typeof value[0] === 'number' &&
      typeof value[1] === 'string' &&
      value.length === 2
    ) {
      return { createdAt: value[0], id: value[1] }
    }
  } catch {
    // Falls through to the error below: a cursor is either ours and intact, or rejected.
  }
  throw new ForcebridgeError(
    'INVALID_JOB_REQUEST',
    'list got a cursor it did not issue; pass the nextCursor of the previous page, or none',
  )
}
