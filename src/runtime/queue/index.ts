// The durable job queue: the JobQueue callers use, the JobRunner that works it off, the retry
// policy that alone decides retry or dead letter, and the one factory that picks the backend.
// The only entry to this folder.
export type {
  AttemptOutcome,
  EnqueueRequest,
  Job,
  JobAttempt,
  JobDetail,
  JobPage,
  JobState,
  JobStateFilter,
  JobStats,
  ListJobsOptions,
  PurgeOptions,
} from './job.js'
export { JOB_STATES } from './job.js'
export type { JobQueue } from './job-queue.js'
export type { AttemptEvent, JobHandler, JobRunner, JobRunnerOptions } from './job-runner.js'
export {
  LEASE_EXPIRED,
  PERMANENT_ERROR_CODES,
  RetryPolicy,
  type BackoffOptions,
  type FailedAttempt,
  type JobError,
  type RetryDecision,
  type RetryPolicyOptions,
} from './retry-policy.js'
export { createJobBackend, type JobBackend, type JobBackendOptions } from './create-job-backend.js'
