// The admin: REST API and web dashboard over the store and the runtime, as one Fastify plugin.
export { adminPlugin, type AdminPluginOptions } from './admin-plugin.js'
export { ensureAdminUser, firstAdminUser, type FirstAdminUser } from './session/index.js'
export type { AdminRuntime } from './admin-context.js'
export type { ScheduleAdmin } from './schedule-admin.js'
export type { PingResult, PingStep, PingToken } from './connections/index.js'
export { escapeHtml } from './html/index.js'
