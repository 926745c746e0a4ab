// Observability of the runtime: Prometheus metrics, /metrics, /healthz and /readyz.
export { createMetrics, type Metrics, type ServiceFileState } from './create-metrics.js'
export { metricsPlugin, type MetricsPluginOptions } from './metrics-plugin.js'
export { readinessChecks, type Readiness, type ReadinessCheckOptions } from './readiness-checks.js'
export { setRouteLabel } from './route-label.js'
