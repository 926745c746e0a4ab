// OpenAPI: the document that describes the channels, served by a Fastify plugin.
export { openApiPlugin, type OpenApiMode, type OpenApiPluginOptions } from './openapi-plugin.js'
