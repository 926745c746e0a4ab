// A Fastify plugin serving GET /openapi.json: the OpenAPI document of the stored channels and the
// loaded services, rebuilt only when the store's configuration or the set of services changed.
import type { FastifyPluginCallback, FastifyRequest } from 'fastify'
import type { Store } from '../../store/index.js'
import { packageVersion } from '../package-info/index.js'
import type { AnyService, ServiceRegistry } from '../services/index.js'
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document.js'

/** `public`: served to anyone (it shows channel paths and schemas, never a secret); `off`: 404. */
export type OpenApiMode = 'public' | 'off'

export interface OpenApiPluginOptions {
  store: Store
  registry: ServiceRegistry
  /** Default `public`. */
  mode?: OpenApiMode
  /**
   * The origin of the document's `servers` entry (the runtime's PublicOrigin): never the caller's
   * Host header. Default: no `servers` (clients then use the document's own origin).
   */
  origin?: (req: FastifyRequest) => string
}

/**
 * @example
 * await app.register(openApiPlugin({ store, registry, mode: config.openapi }))
 */
export function openApiPlugin(options: OpenApiPluginOptions): FastifyPluginCallback {
  const { store, registry } = options
  const version = packageVersion()
  let cached: { key: string; document: Promise<OpenApiDocument> } | undefined

  const build = async (): Promise<OpenApiDocument> => {
    const [channels, definitions] = await Promise.all([
      store.channels.list(),
      store.security.list(),
    ])
    return buildOpenApiDocument({
      channels,
      definitions,
      service: (name) => registry.get(name),
      version,
    })
  }

  const plugin: FastifyPluginCallback = (app, _options, done) => {
    if (options.mode === 'off') return done()
    app.get('/openapi.json', async (request, reply) => {
      // Taken before reading, so a change made while building leads to a rebuild next time.
      const key = `${store.revision()}|${servicesFingerprint(registry)}`
      if (cached?.key !== key) {
        const document = build()
        cached = { key, document }
        // A failed build is not kept: the next request tries again.
        document.catch(() => {
          if (cached?.document === document) cached = undefined
        })
      }
      const { openapi, info, ...rest } = await cached.document
      // The server's public origin, so "try it" tools call the server that served the document.
      const servers = options.origin ? [{ url: options.origin(request) }] : undefined
      return reply
        .header('Cache-Control', 'no-cache')
        .send({ openapi, info, ...(servers ? { servers } : {}), ...rest })
    })
    done()
  }
  return plugin
}

const serviceIds = new WeakMap<AnyService, number>()
let nextServiceId = 0

/** Changes when a service is added, removed or reloaded (a reload makes a new service object). */
function servicesFingerprint(registry: ServiceRegistry): string {
  return registry
    .list()
    .map(({ service }) => {
      let id = serviceIds.get(service)
      if (id === undefined) serviceIds.set(service, (id = nextServiceId++))
      return id
    })
    .join(',')
}
