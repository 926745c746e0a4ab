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
export { ChannelRepository, type ChannelInfo } from './channel-repository.js'
export { SecurityRepository, type SecurityDefinitionInfo } from './security-repository.js'
export { SettingRepository } from './setting-repository.js'
export { SecretBox, masterKey, type MasterKey } from './secret-box.js'
export { loadMasterKey, parseMasterKey, SECRET_KEY_FILE } from './master-key-source.js'
export {
  AdminUserRepository,
  hashPassword,
  verifyPassword,
  type AdminUserInfo,
} from './admin-user-repository.js'
export {
  AuditRepository,
  type AuditEntry,
  type AuditRecord,
  type AuditListOptions,
} from './audit-repository.js'
