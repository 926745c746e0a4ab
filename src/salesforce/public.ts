// The package entry `forcebridge/salesforce`: what users of the client need, each name in
// docs/client.md ("What forcebridge/salesforce exports"). Other src folders import index.ts.

// The client and its options.
export { createClient } from './create-client.js'
export { SalesforceClient } from './salesforce-client.js'
export type { CallOptions } from './salesforce-client.js'
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
export type {
  HttpMethod,
  RequestOptions,
  Requester,
  RetryPolicy,
  SalesforceResponse,
  StreamBody,
} from './requester.js'

// Authorising an org once (the web-server flow) to keep its refresh token.
export { authorizeUrl, createPkcePair, exchangeAuthorizationCode } from './authorization-code.js'
export type {
  AuthorizationCodeExchange,
  AuthorizeUrlOptions,
  PkcePair,
} from './authorization-code.js'

// Tokens: the auth seam, and the state clients may share.
export type { TokenInfo } from './token-info.js'
export type { TokenProvider } from './token-provider.js'
export { MemoryTokenCache } from './token-cache.js'
export type { TokenCache, TokenStore } from './token-cache.js'
export { MemoryLoginLock } from './login-lock.js'
export type { LoginLock } from './login-lock.js'
export { MemoryLoginCooldown } from './login-cooldown.js'
export type { LoginCooldown, LoginFailure } from './login-cooldown.js'

// Limits, events and errors.
export type { LimitInfo } from './limit-info.js'
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
export type { AuthFlow } from './login-error.js'

// Data helpers: each takes a Requester (a client is one); DataHelpers bundles them per client.
export { DataHelpers } from './client-helpers.js'
export type { DataHelpersOptions } from './client-helpers.js'
export { soql, SoqlFragment } from './soql/index.js'
export type { LikeMatch, SoqlScalar, SoqlValue } from './soql/index.js'
export { query, queryAll, QueryIterator } from './query/index.js'
export type { QueryPage, QueryOptions, CollectOptions } from './query/index.js'
export { SObject, MultipleRecordsError } from './sobject/index.js'
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
export { search, parameterizedSearch } from './search/index.js'
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

// Events: Change Data Capture and platform events over the Pub/Sub API (docs/events.md).
export { EventsClient, EventSubscription, PubSubError } from './events/index.js'
export type {
  EventsClientOptions,
  PublishResult,
  TopicInfo,
  ReplayFrom,
  SubscribeOptions,
  SubscriptionStatus,
  PubSubEvent,
  PubSubEventKind,
  ChangeEventHeader,
} from './events/index.js'

// Bulk API 2.0 (docs/bulk.md), and the journal that lets a Bulk call resume after a restart.
export { Bulk, BulkJournalScope, runWithBulkJournal } from './bulk/index.js'
export type {
  BulkOptions,
  IngestResult,
  IngestOptions,
  IngestOperation,
  BulkSuccessRow,
  BulkFailureRow,
  BulkUnprocessedRow,
  BulkQuery,
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
