// One sObject type's REST rows and its cached describe.
export { SObject, MultipleRecordsError } from './sobject.js'
export type {
  SObjectRecord,
  CreateResult,
  UpsertResult,
  GetOptions,
  SObjectOptions,
} from './sobject.js'
export { DescribeCache } from './describe-cache.js'
export type {
  DescribeSObjectResult,
  DescribeField,
  DescribeCacheOptions,
} from './describe-cache.js'
