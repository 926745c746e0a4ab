// The runtime: services, channels and invocation, served over HTTP. One folder per role, each
// with an index.ts face; this file gathers what other folders use.
export { loadConfig, storeOptionsOf, DEFAULT_REDIS_PREFIX, type Config } from './config/index.js'
export { packageRoot, packageVersion } from './package-info/index.js'
export { createLogger, REDACT_PATHS, type LoggerOptions } from './logging/index.js'
export {
  defineService,
  isService,
  SERVICE_BRAND,
  type Service,
  type AnyService,
  type ServiceContext,
  type ServiceOptions,
  type EventBatch,
  type EventBinding,
  type EventServiceOptions,
  type GapContext,
  ServiceRegistry,
  type RegisteredService,
  loadServices,
  importServiceFile,
  isServiceFileName,
  listServiceFiles,
  type LoadReport,
  ServiceCatalog,
  type ServiceFileStatus,
  type ServiceFileEvent,
  ServiceWatcher,
  type ServiceWatcherOptions,
  registerPublicEntryResolver,
  linkPublicEntry,
  ServiceSettings,
  type SettingValues,
  type SettingView,
  Invoker,
  InvalidInputError,
  type InputIssue,
  type InvokeOptions,
} from './services/index.js'
export {
  ConnectionClients,
  clientFor,
  storedTokens,
  forgetStoredToken,
} from './connections/index.js'
export { createHttpServer, type HttpServer, type HttpServerOptions } from './channels/index.js'
export { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js'
export {
  openAsyncInvocations,
  type AsyncInvocations,
  type AsyncInvocationOptions,
} from './async-invocations.js'
export * from './queue/index.js'
export * from './scheduler/index.js'
export * from './bulk/index.js'
export * from './metrics/index.js'
export * from './config-file/index.js'
export * from './shared-state/index.js'
export { resetPosition } from './events/index.js'
export {
  ClusterNode,
  nodeViews,
  syncServiceFiles,
  type ClusterNodeOptions,
  type NodeView,
  type SyncResult,
} from './cluster/index.js'
