// The runtime: services, channels and invocation, served over HTTP.
export { loadConfig, type Config } from './config.js'
export { createLogger, REDACT_PATHS, type LoggerOptions } from './create-logger.js'
export {
  defineService,
  isService,
  SERVICE_BRAND,
  type Service,
  type AnyService,
  type ServiceContext,
  type ServiceOptions,
} from './define-service.js'
export { ServiceRegistry, type RegisteredService } from './service-registry.js'
export {
  loadServices,
  importServiceFile,
  isServiceFileName,
  listServiceFiles,
  type LoadReport,
} from './service-loader.js'
export { ServiceCatalog, type ServiceFileStatus, type ServiceFileEvent } from './service-catalog.js'
export { ServiceWatcher, type ServiceWatcherOptions } from './service-watcher.js'
export {
  packageRoot,
  packageVersion,
  registerPublicEntryResolver,
  linkPublicEntry,
} from './public-entry-resolver.js'
export { ConnectionClients, clientFor } from './connection-clients.js'
export { ServiceSettings, type SettingValues, type SettingView } from './service-settings.js'
export { Invoker, InvalidInputError, type InputIssue, type InvokeOptions } from './invoker.js'
export { createHttpServer, type HttpServer, type HttpServerOptions } from './http-server.js'
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
export { storedTokens, forgetStoredToken } from './stored-tokens.js'
