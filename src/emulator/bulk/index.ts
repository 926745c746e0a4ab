// The emulator's Bulk API 2.0: ingest and query jobs under /services/data/vNN.N/jobs/; the
// pieces Bulk API 1.0 (../bulk-v1) shares with it: CSV, column mapping, row writes, timers.
export { bulkFeature, createBulkFeature, type BulkOptions } from './bulk-feature.js'
export { ColumnPlan, UnknownColumn } from './column-plan.js'
export { csvLine, parseCsv, writeCsv, type CsvFormat, type CsvTable } from './csv-format.js'
export { sfError } from './ingest-processor.js'
export { queryColumns, toRows } from './query-job.js'
export { take } from './take-items.js'
export { Timers } from './timers.js'
export { writeRow, type BulkWriteOperation } from './write-row.js'
