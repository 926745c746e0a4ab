// Jobs of the durable queue and schedules, for the admin API and the dashboard: list with
// filters, details with every attempt's error, retry, purge; schedules with their next run.
import { z } from 'zod'
import {
  BulkJobStore,
  type Job,
  type JobDetail,
  type JobPage,
  type JobQueue,
  type Schedule,
  type TrackedBulkJob,
} from '../../runtime/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type { AdminContext } from '../admin-context.js'
import type { ScheduleAdmin } from '../schedule-admin.js'

const STATE = z.enum(['queued', 'running', 'succeeded', 'dead', 'retrying'])

const listQuery = z.object({
  state: z
    .union([STATE, z.literal('')])
    .optional()
    .transform((s) => s || undefined),
  service: z
    .string()
    .optional()
    .transform((s) => s || undefined),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().optional(),
})

const purgeBody = z
  .object({
    state: z.enum(['queued', 'running', 'succeeded', 'dead']).optional(),
    olderThan: z.iso.datetime().optional(),
  })
  .strict()

function queueOf(ctx: AdminContext): JobQueue {
  if (!ctx.queue) {
    throw new ForcebridgeError(
      'QUEUE_NOT_CONFIGURED',
      'this server runs without a job queue, so there are no jobs to show',
    )
  }
  return ctx.queue
}

export function listJobs(ctx: AdminContext, raw: unknown): Promise<JobPage> {
  const q = listQuery.parse(raw ?? {})
  return queueOf(ctx).list({
    ...(q.state ? { state: q.state } : {}),
    ...(q.service ? { service: q.service } : {}),
    ...(q.limit ? { limit: q.limit } : {}),
    ...(q.cursor ? { cursor: q.cursor } : {}),
  })
}

export async function getJob(ctx: AdminContext, id: string): Promise<JobDetail> {
  const job = await queueOf(ctx).get(id)
  if (!job)
    throw new ForcebridgeError('JOB_NOT_FOUND', `job ${id} does not exist; it may have been purged`)
  return job
}

/** The Bulk API calls tracked for async jobs (all, or one job's), newest first. */
export function listBulkCalls(
  ctx: AdminContext,
  query: { invocationId?: string; limit?: number } = {},
): Promise<TrackedBulkJob[]> {
  return new BulkJobStore(ctx.store).list(query)
}

export async function retryJob(ctx: AdminContext, actor: string, id: string): Promise<Job> {
  const job = await queueOf(ctx).retry(id)
  await ctx.store.audit.record({
    actor,
    action: 'job.retry',
    target: id,
    detail: { service: job.service },
  })
  return job
}

export async function purgeJobs(
  ctx: AdminContext,
  actor: string,
  raw: unknown,
): Promise<{ purged: number }> {
  const body = purgeBody.parse(raw ?? {})
  const purged = await queueOf(ctx).purge({
    ...(body.state ? { state: body.state } : {}),
    ...(body.olderThan ? { olderThan: new Date(body.olderThan) } : {}),
  })
  await ctx.store.audit.record({
    actor,
    action: 'job.purge',
    target: body.state ?? 'succeeded+dead',
    detail: { purged, ...(body.olderThan ? { olderThan: body.olderThan } : {}) },
  })
  return { purged }
}

const scheduleBody = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(120),
    cron: z.string().trim().min(1, 'must not be empty'),
    service: z.string().trim().min(1, 'must name a service'),
    // From a form the input arrives as JSON text; from the API as a value.
    input: z.unknown().optional(),
    timezone: z
      .string()
      .optional()
      .transform((t) => t || undefined),
    missedRunPolicy: z.enum(['skip', 'run-once', 'run-all']).optional(),
  })
  .strict()

function schedulerOf(ctx: AdminContext): ScheduleAdmin {
  if (!ctx.schedules) {
    throw new ForcebridgeError(
      'SCHEDULER_NOT_CONFIGURED',
      'this server runs without a scheduler, so there are no schedules to show',
    )
  }
  return ctx.schedules
}

export function listSchedules(ctx: AdminContext): Promise<Schedule[]> {
  return schedulerOf(ctx).list()
}

export async function createSchedule(
  ctx: AdminContext,
  actor: string,
  raw: unknown,
): Promise<Schedule> {
  const body = scheduleBody.parse(raw)
  const created = await schedulerOf(ctx).add({
    name: body.name,
    cron: body.cron,
    service: body.service,
    input: body.input ?? {},
    ...(body.timezone ? { timezone: body.timezone } : {}),
    ...(body.missedRunPolicy ? { missedRunPolicy: body.missedRunPolicy } : {}),
  })
  await ctx.store.audit.record({
    actor,
    action: 'schedule.create',
    target: created.name,
    detail: { cron: created.cron, service: created.service },
  })
  return created
}

export async function deleteSchedule(
  ctx: AdminContext,
  actor: string,
  name: string,
): Promise<void> {
  if (!(await schedulerOf(ctx).remove(name))) {
    throw new ForcebridgeError('SCHEDULE_NOT_FOUND', `schedule '${name}' does not exist`)
  }
  await ctx.store.audit.record({ actor, action: 'schedule.delete', target: name })
}
