// Bulk calls of async invocations tracked in the store, so a restart resumes them. The only
// entry to this folder.
export { BulkJobStore, BULK_JOB_RETENTION_MS, type BulkJobStoreOptions } from './bulk-job-store.js'
export { summaryState, type TrackedBulkJob } from './tracked-bulk-job.js'
