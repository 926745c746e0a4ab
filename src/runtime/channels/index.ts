// Channels: the HTTP server that routes calls to services, with security, limits, asynchronous
// calls and the job-status route.
export { createHttpServer, type HttpServer, type HttpServerOptions } from './http-server.js'
export { MAX_WAIT_SECONDS } from './job-status-route.js'
export { PublicOrigin, type PublicOriginOptions } from './public-origin.js'
