// Bulk API 2.0: ingest and query jobs, and writeMany that picks Collections or Bulk.
export { Bulk } from './bulk.js'
export type { BulkOptions } from './bulk.js'
export { ingest, IngestResult, jobResultRows } from './bulk-ingest.js'
export type {
  IngestOptions,
  IngestOperation,
  BulkSuccessRow,
  BulkFailureRow,
  BulkUnprocessedRow,
} from './bulk-ingest.js'
export { BulkQuery } from './bulk-query.js'
export type { BulkQueryOptions } from './bulk-query.js'
export { getJob, closeJob, abortJob, deleteJob, waitForJob } from './bulk-jobs.js'
export type { JobInfo, JobKind, JobState, PollOptions } from './bulk-jobs.js'
export type { RecordInput, CsvInput } from './ingest-source.js'
export { parseSfError } from './csv-rows.js'
export { writeMany, usesBulk } from './write-many.js'
export type { WriteManyOptions, WriteOperation } from './write-many.js'
export { exportRows } from './export-rows.js'
export type { ExportRowsOptions, FlatRow } from './export-rows.js'
export { BulkJournalScope, runWithBulkJournal, currentBulkJournalScope } from './bulk-journal.js'
export type {
  BulkJournal,
  BulkJournalEntry,
  BulkJournalJob,
  BulkJournalSlot,
} from './bulk-journal.js'
