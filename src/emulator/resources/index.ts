// REST resources beyond records and queries: record counts, recent items, replication
// (updated/deleted), layouts, list views, quick actions, tabs, theme, processes.

import type { FastifyInstance } from 'fastify'
import type { EmulatorContext } from '../server/emulator-context.js'
import type { EmulatorState } from '../server/emulator-state.js'
import { registerLayoutRoutes } from './layout-routes.js'
import { registerListViewRoutes } from './list-view-routes.js'
import { registerProcessRoutes } from './process-routes.js'
import { registerQuickActionRoutes } from './quick-action-routes.js'
import { registerRecentRoutes } from './recent-routes.js'
import { registerReplicationRoutes } from './replication-routes.js'
import { registerTabThemeRoutes } from './tab-theme-routes.js'

export { RecentItems } from './recent-items.js'

export function registerRestResources(
  app: FastifyInstance,
  state: EmulatorState,
  ctx: EmulatorContext,
): void {
  registerRecentRoutes(app, state)
  registerReplicationRoutes(app, state)
  registerLayoutRoutes(app, state)
  registerListViewRoutes(app, state, ctx)
  registerQuickActionRoutes(app, state)
  registerTabThemeRoutes(app, state)
  registerProcessRoutes(app, state)
}
