// The route label of a request's metrics when Fastify's own route pattern says too little: every
// REST channel is served by one catch-all route (`/*`), so the channel router names the channel.
// Kept on the request itself rather than in a WeakMap: a WeakMap entry per request costs more to
// add, and more to collect, than the rest of the bookkeeping of a fast call.

/** The request property that holds the label (metricsPlugin declares it on every request). */
export const ROUTE_LABEL = Symbol('forcebridge.routeLabel')

type Labelled = { [ROUTE_LABEL]?: string | undefined }

/**
 * Labels `request`'s metrics with `route`, a pattern such as a channel's path (`/orders/:id`),
 * never a raw URL (label values must stay few).
 *
 * @example
 * setRouteLabel(req, channel.path)
 */
export function setRouteLabel(request: object, route: string): void {
  ;(request as Labelled)[ROUTE_LABEL] = route
}

/** The label set with `setRouteLabel`, if any. */
export function routeLabelOf(request: object): string | undefined {
  return (request as Labelled)[ROUTE_LABEL]
}
