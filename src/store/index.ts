// The store: connections, channels, security definitions and settings, with secrets sealed.
export { openStore, DATABASE_FILE, type Store, type StoreOptions } from './store.js'
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
