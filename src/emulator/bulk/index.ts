// The emulator's Bulk API 2.0: ingest and query jobs under /services/data/vNN.N/jobs/.
export { bulkFeature, createBulkFeature, type BulkOptions } from './bulk-feature.js'
