// sObject Collections for any number of records, and the per-record result type.
export { Collections } from './collections.js'
export type { CollectionsOptions, CollectionWriteOptions } from './collections.js'
export { toRecordResult, toRecordError, failedResult, codeOf } from './record-result.js'
export type { RecordResult, RecordError } from './record-result.js'
export { chunk, runChunks } from './run-chunks.js'
