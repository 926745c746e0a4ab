// The durable job queue: the JobQueue contract, its SQL backend over Kysely, the migrations of
// its tables, and the worker that runs jobs. The only entry to this folder.
export type {
  AttemptFailure,
  AttemptOutcome,
  ClaimedJob,
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
export { createKyselyJobQueue, type KyselyJobQueueOptions } from './kysely-job-queue.js'
export { LEASE_EXPIRED } from './kysely-job-claims.js'
export { queueMigrations } from './queue-migrations.js'
export type { QueueTables } from './queue-tables.js'
export { backoffDelay, type BackoffOptions } from './backoff-delay.js'
export {
  describeJobError,
  type AttemptEvent,
  startWorker,
  type JobHandler,
  type Worker,
  type WorkerOptions,
} from './start-worker.js'
