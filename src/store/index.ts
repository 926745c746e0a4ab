// The store: connections, channels, security definitions and settings, with secrets sealed, and
// the tables of durable work (jobs, schedules, Bulk journal), each behind a repository.
export {
  openStore,
  DATABASE_FILE,
  type Store,
  type StoreOptions,
  type StoreScope,
} from './store.js'
export type { DatabaseDialect, DatabaseTarget, SqliteSynchronous, StoreWarn } from './database.js'
export { databaseTarget } from './open-database.js'
export { describeDatabase, redactDatabaseUrl } from './database-location.js'
export { inspectDatabase, migrateStoreDatabase, type DatabaseReport } from './database-admin.js'
export {
  JobRepository,
  type JobClaim,
  type JobRowCounts,
  type JobRowFilter,
  type JobSettlement,
  type NewJobRow,
} from './job-repository.js'
export { ScheduleRepository, type ScheduleChanges } from './schedule-repository.js'
export { BulkJobRepository } from './bulk-job-repository.js'
export type {
  AttemptRowOutcome,
  BulkJobRow,
  JobRowState,
  QueueJobAttemptRow,
  QueueJobRow,
  ScheduleRow,
} from './job-schema.js'
export {
  ConnectionRepository,
  type ConnectionInfo,
  type ConnectionCredentials,
} from './connection-repository.js'
export {
  AUTH_FLOWS,
  SECRET_FIELDS,
  parseConnectionInput,
  type AuthFlow,
  type SecretField,
  type ConnectionInput,
  type ConnectionInputRaw,
} from './connection-input.js'
export {
  ChannelRepository,
  CHANNEL_METHODS,
  type ChannelInfo,
  type ChannelInput,
  type ChannelMethod,
  type RateLimit,
} from './channel-repository.js'
export { SecurityRepository } from './security-repository.js'
export {
  SECURITY_KINDS,
  JWT_ALGORITHMS,
  securityDefinitionInput,
  hashApiKey,
  type SecurityKind,
  type JwtAlgorithm,
  type JwtSettings,
  type SecurityDefinitionInfo,
  type SecurityDefinitionInput,
  type SecurityDefinitionChanges,
  type SecurityMaterial,
  type SecurityWriteResult,
} from './security-definition.js'
export { StoreRevision, DEFAULT_CHANGE_POLL_MS } from './store-revision.js'
export type { ChangeNotifier } from './change-notifier.js'
export { channelAuditDetail, securityAuditDetail } from './audit-details.js'
export { SettingRepository } from './setting-repository.js'
export { SecretBox, masterKey, type MasterKey } from './secret-box.js'
export { loadMasterKey, parseMasterKey, SECRET_KEY_FILE } from './master-key-source.js'
export { AdminUserRepository, type AdminUserInfo } from './admin-user-repository.js'
export { hashPassword, verifyPassword, MIN_PASSWORD } from './password-hash.js'
export {
  AuditRepository,
  type AuditEntry,
  type AuditRecord,
  type AuditListOptions,
} from './audit-repository.js'
export { ClusterNodeRepository, type ClusterNodeInfo } from './cluster-node-repository.js'
export { ServiceFileRepository, type StoredServiceFile } from './service-file-repository.js'
export {
  SubscriptionRepository,
  type SubscriptionInfo,
  type SubscriptionState,
  type HandledBatch,
  type StoredPosition,
} from './subscription-repository.js'
export {
  DeadLetterRepository,
  type DeadLetterInfo,
  type DeadLetterState,
} from './dead-letter-repository.js'
export {
  copyStoreDatabase,
  COPIED_TABLES,
  type CopyOptions,
  type CopyResult,
} from './copy-database.js'
