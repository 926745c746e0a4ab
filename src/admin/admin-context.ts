// What every admin action works with: the store, the running runtime, the services' settings,
// the optional queue and schedules, and the usage series. Built once by the plugin and shared by
// the API and pages.
import type { Logger } from 'pino'
import type { JobQueue, Runtime, ServiceSettings, UsageStore } from '../runtime/index.js'
import type { Store } from '../store/index.js'
import type { ScheduleAdmin } from './schedule-admin.js'

/** The parts of the runtime the admin uses. */
export type AdminRuntime = Pick<
  Runtime,
  'registry' | 'invoker' | 'clients' | 'serviceCatalog' | 'sharedState'
>

export interface AdminContext {
  store: Store
  runtime: AdminRuntime
  /**
   * The services' own settings. A ServiceSettings of its own: writes move the store revision, so
   * the invoker's instance reads them at its next invocation.
   */
  settings: ServiceSettings
  log: Logger
  usage: UsageStore
  queue: JobQueue | undefined
  schedules: ScheduleAdmin | undefined
  /** Past this heartbeat age a node is listed as gone (ms). */
  nodeTimeoutMs: number
}
