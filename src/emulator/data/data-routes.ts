// The REST data API's own routes: versions, resources, limits, sObjects and query/search.

import type { FastifyInstance } from 'fastify'
import type { EmulatorContext } from '../server/emulator-context.js'
import type { EmulatorState } from '../server/emulator-state.js'
import { apiVersions } from './api-versions.js'
import { limitsBody } from './limits-body.js'
import { registerQueryRoutes } from './query-routes.js'
import { registerSearchRoutes } from './search-routes.js'
import { registerSObjectRoutes } from './sobject-routes.js'
import { registerRestResources } from '../resources/index.js'
import { registerMultipartParser } from '../files/index.js'

const RESOURCES = [
  'tooling',
  'metadata',
  'eclair',
  'folders',
  'prechatForms',
  'contact-tracing',
  'jsonxform',
  'chatter',
  'tabs',
  'appMenu',
  'quickActions',
  'queryAll',
  'commerce',
  'wave',
  'iot',
  'analytics',
  'search',
  'identity',
  'composite',
  'parameterizedSearch',
  'fingerprint',
  'theme',
  'nouns',
  'domino',
  'event',
  'serviceTemplates',
  'recent',
  'connect',
  'licensing',
  'limits',
  'process',
  'dedupe',
  'async-queries',
  'query',
  'jobs',
  'match',
  'emailConnect',
  'compactLayouts',
  'knowledgeManagement',
  'sobjects',
  'actions',
  'support',
  'ui-api',
]

export function registerDataRoutes(
  app: FastifyInstance,
  state: EmulatorState,
  ctx: EmulatorContext,
): void {
  // No authentication and not counted (salesforce-api.md §2.1).
  app.get('/services/data', () => apiVersions())

  app.get('/services/data/:version', (request) => {
    const base = `/services/data/v${request.apiVersion}`
    const out: Record<string, string> = {}
    for (const name of RESOURCES)
      out[name] =
        name === 'identity'
          ? `${state.instanceUrl()}/id/${state.orgId}/${request.session.userId}`
          : `${base}/${name}`
    out['jobs/ingest'] = `${base}/jobs/ingest`
    out['jobs/query'] = `${base}/jobs/query`
    return out
  })

  app.get('/services/data/:version/limits', () => limitsBody(state))

  registerMultipartParser(app)
  registerSObjectRoutes(app, state)
  registerQueryRoutes(app, state, ctx)
  registerSearchRoutes(app, state.store)
  registerRestResources(app, state, ctx)
}
