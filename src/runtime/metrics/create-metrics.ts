// The runtime's Prometheus metrics in a registry of their own: HTTP requests by route, Salesforce
// calls per connection, job queue depth and job outcomes, and Node's process metrics.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { SalesforceClient } from '../../salesforce/index.js'
import type { AttemptEvent, JobQueue } from '../queue/index.js'
import type { SubscriptionSignal } from '../events/index.js'
import { ClientMetrics } from './client-metrics.js'
import { HttpRequestMetrics } from './http-request-metrics.js'

export interface Metrics {
  /** Every forcebridge series, plus the process ones (`forcebridge_process_cpu_seconds_total`, ...). */
  readonly registry: Registry
  /** Counts one answered HTTP request. `route` is a pattern (`/orders/:id`), never a raw URL. */
  observeHttp(route: string, method: string, status: number, seconds: number): void
  /**
   * Follows a Salesforce client's events under the connection's name; observing another client
   * under the same name lets the first go. Returns a function that stops observing.
   */
  observeClient(connection: string, client: SalesforceClient): () => void
  /** Reports the queue's depth by state at each scrape (one queue; a later call replaces it). */
  observeQueue(queue: JobQueue): void
  /** Counts one job attempt's outcome; give it to the worker's `onAttempt`. */
  onJobAttempt(event: AttemptEvent): void
  /** Reports the service files by state at each scrape (the runtime's service catalog). */
  observeServiceFiles(files: () => readonly ServiceFileState[]): void
  /** Reports at each scrape whether the shared state is degraded (Redis away, memory serving). */
  observeSharedState(status: () => { backend: string; degraded: boolean }): void
  /** Reports this node's id and version, and at each scrape the live nodes the store lists. */
  observeCluster(node: ClusterMetricsSource): void
  /** Counts an event subscription's events received, handled, parked and its reconnects. */
  onSubscriptionSignal(signal: SubscriptionSignal): void
}

/** What the cluster gauges need of this node (the runtime's ClusterNode). */
export interface ClusterMetricsSource {
  readonly id: string
  readonly version: string
  liveNodes(): Promise<number>
}

/** What the service files gauge needs of a file's status. */
export interface ServiceFileState {
  error: Error | null
  loadedAt: Date | null
}

const JOB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

/**
 * @example
 * const metrics = createMetrics()
 * metrics.observeQueue(runtime.queue)
 * await app.register(metricsPlugin(metrics, { ready }))
 */
export function createMetrics(): Metrics {
  const registry = new Registry()
  const registers = [registry]
  collectDefaultMetrics({ register: registry, prefix: 'forcebridge_' })

  const http = new HttpRequestMetrics(registry, {
    requests: 'forcebridge_http_requests_total',
    latency: 'forcebridge_http_request_duration_seconds',
  })
  const clients = new ClientMetrics(registry)

  const eventsReceived = new Counter({
    name: 'forcebridge_events_received_total',
    help: 'Pub/Sub events received by event services.',
    labelNames: ['service'],
    registers,
  })
  const eventsHandled = new Counter({
    name: 'forcebridge_events_handled_total',
    help: 'Pub/Sub events whose batch was handled and its position stored.',
    labelNames: ['service'],
    registers,
  })
  const eventsParked = new Counter({
    name: 'forcebridge_events_dead_lettered_total',
    help: 'Pub/Sub events parked as dead letters after their batch failed every attempt.',
    labelNames: ['service'],
    registers,
  })
  const eventLag = new Gauge({
    name: 'forcebridge_events_lag_seconds',
    help: "From the commit of the last handled change event to its batch's position being stored.",
    labelNames: ['service'],
    registers,
  })
  const subscriptionReconnects = new Counter({
    name: 'forcebridge_events_reconnects_total',
    help: "Times an event service's Pub/Sub stream was opened again after a failure.",
    labelNames: ['service'],
    registers,
  })

  let queue: JobQueue | undefined
  new Gauge({
    name: 'forcebridge_queue_jobs',
    help: 'Jobs in the durable queue by state; retrying is the part of queued that failed before.',
    labelNames: ['state'],
    registers,
    async collect() {
      if (!queue) return
      try {
        const stats = await queue.stats()
        for (const [state, count] of Object.entries(stats)) this.set({ state }, count)
      } catch {
        // A store that cannot answer must not fail the whole scrape: the series disappear
        // instead, which an alert on absent() catches, and /readyz reports the store.
        this.reset()
      }
    },
  })
  let serviceFiles: (() => readonly ServiceFileState[]) | undefined
  new Gauge({
    name: 'forcebridge_service_files',
    help: 'Service files by state: loaded, stale (the latest version failed; the previous one serves), failed (serves nothing).',
    labelNames: ['state'],
    registers,
    collect() {
      if (!serviceFiles) return
      const counts = { loaded: 0, stale: 0, failed: 0 }
      for (const f of serviceFiles()) {
        if (!f.error) counts.loaded++
        else if (f.loadedAt) counts.stale++
        else counts.failed++
      }
      for (const [state, count] of Object.entries(counts)) this.set({ state }, count)
    },
  })
  let sharedState: (() => { backend: string; degraded: boolean }) | undefined
  new Gauge({
    name: 'forcebridge_shared_state_degraded',
    help: 'Whether this node serves the state a cluster shares from its own memory (1) because its backend (Redis) does not answer, or from the backend (0).',
    labelNames: ['backend'],
    registers,
    collect() {
      if (!sharedState) return
      const { backend, degraded } = sharedState()
      this.reset()
      this.set({ backend }, degraded ? 1 : 0)
    },
  })
  let cluster: ClusterMetricsSource | undefined
  new Gauge({
    name: 'forcebridge_cluster_nodes',
    help: 'Nodes with a live heartbeat in the node registry of the store, this one included.',
    registers,
    async collect() {
      if (!cluster) return
      try {
        this.set(await cluster.liveNodes())
      } catch {
        // As for the queue: a store that cannot answer drops the series, not the scrape.
        this.reset()
      }
    },
  })
  const nodeInfo = new Gauge({
    name: 'forcebridge_node_info',
    help: 'Always 1: this node, by its id in the node registry and its forcebridge version.',
    labelNames: ['node', 'version'],
    registers,
  })
  const jobAttempts = new Counter({
    name: 'forcebridge_job_attempts_total',
    help: 'Job attempts recorded by the worker, by service and outcome (succeeded, retry, dead).',
    labelNames: ['service', 'outcome'],
    registers,
  })
  const jobLatency = new Histogram({
    name: 'forcebridge_job_attempt_duration_seconds',
    help: 'Time one job attempt ran, by service.',
    labelNames: ['service'],
    buckets: JOB_BUCKETS,
    registers,
  })

  return {
    registry,
    observeHttp: (route, method, status, seconds) => http.observe(route, method, status, seconds),
    observeClient: (connection, client) => clients.observe(connection, client),
    observeQueue(q) {
      queue = q
    },
    onSubscriptionSignal(signal) {
      const labels = { service: signal.service }
      if (signal.kind === 'received') eventsReceived.inc(labels, signal.events)
      else if (signal.kind === 'handled') {
        eventsHandled.inc(labels, signal.events)
        if (signal.lagSeconds !== undefined) eventLag.set(labels, signal.lagSeconds)
      } else if (signal.kind === 'dead-letter') eventsParked.inc(labels, signal.events)
      else subscriptionReconnects.inc(labels)
    },
    onJobAttempt(event) {
      jobAttempts.inc({ service: event.job.service, outcome: event.outcome })
      jobLatency.observe({ service: event.job.service }, event.durationMs / 1000)
    },
    observeServiceFiles(files) {
      serviceFiles = files
    },
    observeSharedState(status) {
      sharedState = status
    },
    observeCluster(node) {
      cluster = node
      nodeInfo.reset()
      nodeInfo.set({ node: node.id, version: node.version }, 1)
    },
  }
}
