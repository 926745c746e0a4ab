// Prometheus series fed by a Salesforce client's events: calls by connection and status, their
// latency, logins, retries and the org's API usage from the Sforce-Limit-Info header.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type {
  LimitInfo,
  LoginEvent,
  ResponseEvent,
  RetryEvent,
  SalesforceClient,
} from '../../salesforce/index.js'

/** Salesforce answers take longer than our own routes: buckets reach two minutes (the timeout). */
const CALL_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

interface Listeners {
  client: SalesforceClient
  response: (e: ResponseEvent) => void
  login: (e: LoginEvent) => void
  retry: (e: RetryEvent) => void
  limits: (l: LimitInfo) => void
}

export class ClientMetrics {
  readonly #calls: Counter<'connection' | 'method' | 'status'>
  readonly #latency: Histogram<'connection' | 'method'>
  readonly #logins: Counter<'connection' | 'flow' | 'outcome'>
  readonly #retries: Counter<'connection' | 'reason'>
  readonly #used: Gauge<'connection'>
  readonly #max: Gauge<'connection'>
  readonly #remaining: Gauge<'connection'>
  readonly #observed = new Map<string, Listeners>()

  constructor(registry: Registry) {
    const registers = [registry]
    this.#calls = new Counter({
      name: 'forcebridge_salesforce_requests_total',
      help: 'HTTP requests answered by Salesforce, each attempt counted, by connection, method and status.',
      labelNames: ['connection', 'method', 'status'],
      registers,
    })
    this.#latency = new Histogram({
      name: 'forcebridge_salesforce_request_duration_seconds',
      help: 'Time from sending a request to Salesforce to its response headers, per attempt.',
      labelNames: ['connection', 'method'],
      buckets: CALL_BUCKETS,
      registers,
    })
    this.#logins = new Counter({
      name: 'forcebridge_salesforce_logins_total',
      help: 'OAuth token requests to Salesforce, by connection, flow and outcome (ok or failed).',
      labelNames: ['connection', 'flow', 'outcome'],
      registers,
    })
    this.#retries = new Counter({
      name: 'forcebridge_salesforce_retries_total',
      help: 'Requests to Salesforce retried after a failure, by connection and reason (status, errorCode or network error).',
      labelNames: ['connection', 'reason'],
      registers,
    })
    this.#used = new Gauge({
      name: 'forcebridge_salesforce_api_requests_used',
      help: 'API requests used in the rolling 24 hours, from the latest Sforce-Limit-Info header.',
      labelNames: ['connection'],
      registers,
    })
    this.#max = new Gauge({
      name: 'forcebridge_salesforce_api_requests_max',
      help: "The org's API request allowance for 24 hours, from the latest Sforce-Limit-Info header.",
      labelNames: ['connection'],
      registers,
    })
    this.#remaining = new Gauge({
      name: 'forcebridge_salesforce_api_requests_remaining',
      help: 'API requests left in the rolling 24 hours (max - used; negative during a burst over the limit).',
      labelNames: ['connection'],
      registers,
    })
  }

  /**
   * Subscribes to `client`'s events under `connection`. A client observed before under the same
   * name is let go (the runtime replaces a connection's client when it is edited), keeping its
   * API usage series until the new client sees a header. Returns a function that stops observing
   * and drops the connection's API usage series (for a removed connection).
   */
  observe(connection: string, client: SalesforceClient): () => void {
    this.#detach(connection)
    const labels = { connection }
    const listeners: Listeners = {
      client,
      response: (e) => {
        this.#calls.inc({ connection, method: e.method, status: String(e.status) })
        this.#latency.observe({ connection, method: e.method }, e.durationMs / 1000)
      },
      login: (e) => {
        this.#logins.inc({ connection, flow: e.flow, outcome: e.ok ? 'ok' : 'failed' })
      },
      retry: (e) => this.#retries.inc({ connection, reason: e.reason }),
      limits: (l) => {
        // Salesforce lets `used` run past `max` during bursts (salesforce-api.md §5), so
        // `remaining` may be negative; that is the figure an alert wants to see.
        this.#used.set(labels, l.used)
        this.#max.set(labels, l.max)
        this.#remaining.set(labels, l.max - l.used)
      },
    }
    client.on('response', listeners.response)
    client.on('login', listeners.login)
    client.on('retry', listeners.retry)
    client.on('limits', listeners.limits)
    this.#observed.set(connection, listeners)
    if (client.limits) listeners.limits(client.limits)
    return () => {
      if (this.#observed.get(connection) !== listeners) return
      this.#detach(connection)
      this.#used.remove(labels)
      this.#max.remove(labels)
      this.#remaining.remove(labels)
    }
  }

  #detach(connection: string): void {
    const old = this.#observed.get(connection)
    if (!old) return
    old.client.off('response', old.response)
    old.client.off('login', old.login)
    old.client.off('retry', old.retry)
    old.client.off('limits', old.limits)
    this.#observed.delete(connection)
  }
}
