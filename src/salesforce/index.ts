// The Salesforce client library: the only entry for other folders (and 'forcebridge/salesforce').
export { createClient } from './create-client.js'
export { SalesforceClient } from './salesforce-client.js'
export type { CallOptions, SalesforceClientEvent } from './salesforce-client.js'
export type {
  ClientOptions,
  ClientAuth,
  PasswordAuth,
  ClientCredentialsAuth,
  JwtBearerAuth,
  RefreshTokenAuth,
  RetryOptions,
  SharedTokenState,
} from './client-options.js'
export type { TokenInfo } from './token-info.js'
export { MemoryTokenCache } from './token-cache.js'
export type { TokenCache, TokenStore } from './token-cache.js'
export { MemoryLoginLock } from './login-lock.js'
export type { LoginLock } from './login-lock.js'
export { MemoryLoginCooldown } from './login-cooldown.js'
export type { LoginCooldown, LoginFailure } from './login-cooldown.js'
export type { TokenProvider } from './token-provider.js'
export type { LimitInfo } from './limit-info.js'
export { parseLimitInfo } from './limit-info.js'
export type {
  ClientLogger,
  ClientEventMap,
  ClientEventName,
  RequestEvent,
  ResponseEvent,
  LoginEvent,
  RetryEvent,
} from './client-events.js'
export { SalesforceError, SalesforceApiError } from './salesforce-error.js'
export type { SalesforceErrorEntry } from './salesforce-error.js'
export { LoginError } from './login-error.js'
export { authorizeUrl, createPkcePair, exchangeAuthorizationCode } from './authorization-code.js'
export type {
  AuthorizationCodeExchange,
  AuthorizeUrlOptions,
  PkcePair,
} from './authorization-code.js'
export type { AuthFlow } from './login-error.js'
export { computeTokenSignature, isTokenSignatureValid } from './token-signature.js'
export type {
  HttpMethod,
  RequestOptions,
  Requester,
  RetryPolicy,
  SalesforceResponse,
  StreamBody,
} from './requester.js'
export { soql, escapeSoqlString, SoqlFragment } from './soql/index.js'
export type { SoqlScalar, SoqlValue } from './soql/index.js'
export { query, queryAll, QueryIterator } from './query/index.js'
export type { QueryPage, QueryOptions, CollectOptions } from './query/index.js'
export { SObject, MultipleRecordsError, DescribeCache } from './sobject/index.js'
export type {
  SObjectRecord,
  CreateResult,
  UpsertResult,
  GetOptions,
  SObjectOptions,
  DescribeSObjectResult,
  DescribeField,
  DescribeCacheOptions,
} from './sobject/index.js'
export { search, parameterizedSearch, parameterizedSearchSchema } from './search/index.js'
export type { ParameterizedSearchParams } from './search/index.js'
export { Apex } from './apex/index.js'
export type { ApexCallOptions } from './apex/index.js'
export { Collections } from './collections/index.js'
export type {
  CollectionsOptions,
  CollectionWriteOptions,
  RecordResult,
  RecordError,
} from './collections/index.js'
export { composite, compositeBatch, compositeTree } from './composite/index.js'
export type {
  CompositeRequest,
  CompositeSubrequest,
  CompositeResult,
  CompositeSubresult,
  BatchRequest,
  BatchSubrequest,
  BatchResult,
  BatchSubresult,
  TreeRecord,
  TreeResult,
} from './composite/index.js'
export {
  Bulk,
  ingest,
  IngestResult,
  BulkQuery,
  waitForJob,
  writeMany,
  exportRows,
  BulkJournalScope,
  runWithBulkJournal,
} from './bulk/index.js'
export type {
  BulkOptions,
  IngestOptions,
  IngestOperation,
  BulkSuccessRow,
  BulkFailureRow,
  BulkUnprocessedRow,
  BulkQueryOptions,
  JobInfo,
  JobKind,
  JobState,
  PollOptions,
  RecordInput,
  CsvInput,
  WriteManyOptions,
  WriteOperation,
  ExportRowsOptions,
  FlatRow,
  BulkJournal,
  BulkJournalEntry,
  BulkJournalJob,
  BulkJournalSlot,
} from './bulk/index.js'
export { DataHelpers } from './client-helpers.js'
export type { DataHelpersOptions } from './client-helpers.js'
