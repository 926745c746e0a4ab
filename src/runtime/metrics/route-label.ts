// The route label of a request's metrics when Fastify's own route pattern says too little: every
// REST channel is served by one catch-all route (`/*`), so the channel router names the channel.

const labels = new WeakMap<object, string>()

/**
 * Labels `request`'s metrics with `route`, a pattern such as a channel's path (`/orders/:id`),
 * never a raw URL (label values must stay few).
 *
 * @example
 * setRouteLabel(req, channel.path)
 */
export function setRouteLabel(request: object, route: string): void {
  labels.set(request, route)
}

/** The label set with `setRouteLabel`, if any. */
export function routeLabelOf(request: object): string | undefined {
  return labels.get(request)
}
