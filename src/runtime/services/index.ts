// Services: their definition, registry, loading and hot deploy, settings, and the invoker that
// runs them.
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
export { registerPublicEntryResolver, linkPublicEntry } from './public-entry-resolver.js'
export { ServiceSettings, type SettingValues, type SettingView } from './service-settings.js'
export { LazyAbort } from './lazy-abort.js'
export { Invoker, InvalidInputError, type InputIssue, type InvokeOptions } from './invoker.js'
