// The emulator's Bulk API 1.0: jobs and batches under /services/async/<version>/.
export { createBulkV1Feature } from './bulk-v1-feature.js'
export { sendInvalidSession, sendRequestLimitExceeded } from './async-error.js'
