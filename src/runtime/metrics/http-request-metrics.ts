// The two series counted on every HTTP request (requests by route, method and status; time to
// answer by route and method), kept here rather than in prom-client's Counter and Histogram: those
// build a key string from the label values and validate them on every inc() and observe(), a few
// µs and about 1 kB per request. Here a label set is found through two map lookups and counted in
// place. A scrape reads them in prom-client's own shapes, so /metrics shows the same lines.
import type { Registry } from 'prom-client'

/** prom-client's default buckets, which the histogram has always used. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

interface RequestCount {
  labels: { route: string; method: string; status: string }
  value: number
}

interface Latency {
  labels: { route: string; method: string }
  /** Observations per bucket (not cumulative); past the last bucket they count only in `count`. */
  buckets: number[]
  sum: number
  count: number
}

interface RouteMethod {
  latency: Latency
  byStatus: Map<number, RequestCount>
}

/** One value line as prom-client's registry formats it. */
interface ValuePair {
  value: number
  labels: Record<string, string | number>
  sharedLabels?: Record<string, string>
  metricName?: string
  exemplar?: null | undefined
}

/** What the registry asks of a metric. */
interface MetricView {
  name: string
  help: string
  type: 'counter' | 'histogram'
  aggregator: 'sum'
  get(): Promise<{
    name: string
    help: string
    type: string
    values: ValuePair[]
    aggregator: string
  }>
  reset(): void
}

export class HttpRequestMetrics {
  /** route → method → its series. */
  #series = new Map<string, Map<string, RouteMethod>>()
  /** In the order first seen, which is the order prom-client lists series in. */
  #requests: RequestCount[] = []
  #latencies: Latency[] = []

  constructor(registry: Registry, names: { requests: string; latency: string }) {
    const requests: MetricView = {
      name: names.requests,
      help: 'HTTP requests answered, by route pattern (a channel path), method and status.',
      type: 'counter',
      aggregator: 'sum',
      get: () =>
        Promise.resolve({
          help: requests.help,
          name: requests.name,
          type: requests.type,
          values: this.#requests.map((r) => ({ value: r.value, labels: r.labels })),
          aggregator: requests.aggregator,
        }),
      reset: () => this.reset(),
    }
    const latency: MetricView & { getForPromString(): ReturnType<MetricView['get']> } = {
      name: names.latency,
      help: 'Time to answer an HTTP request, by route pattern and method.',
      type: 'histogram',
      aggregator: 'sum',
      // The text format takes the series' labels as shared ones, after `le`, as prom-client does.
      getForPromString: () =>
        Promise.resolve({
          name: latency.name,
          help: latency.help,
          type: latency.type,
          values: this.#latencies.flatMap((l) => histogramLines(latency.name, l)),
          aggregator: latency.aggregator,
        }),
      get: async () => {
        const data = await latency.getForPromString()
        const values = data.values.map(({ labels, sharedLabels, ...line }) => ({
          ...line,
          labels: { ...labels, ...sharedLabels },
        }))
        return { ...data, values }
      },
      reset: () => this.reset(),
    }
    registry.registerMetric(requests as never)
    registry.registerMetric(latency as never)
  }

  /** Counts one answered request. `route` is a pattern (`/orders/:id`), never a raw URL. */
  observe(route: string, method: string, status: number, seconds: number): void {
    let methods = this.#series.get(route)
    if (!methods) this.#series.set(route, (methods = new Map<string, RouteMethod>()))
    let series = methods.get(method)
    if (!series) {
      const latency: Latency = {
        labels: { route, method },
        buckets: BUCKETS.map(() => 0),
        sum: 0,
        count: 0,
      }
      this.#latencies.push(latency)
      methods.set(method, (series = { latency, byStatus: new Map() }))
    }
    let count = series.byStatus.get(status)
    if (!count) {
      count = { labels: { route, method, status: String(status) }, value: 0 }
      this.#requests.push(count)
      series.byStatus.set(status, count)
    }
    count.value += 1
    const { latency } = series
    latency.sum += seconds
    latency.count += 1
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= (BUCKETS[i] as number)) {
        latency.buckets[i] = (latency.buckets[i] as number) + 1
        break
      }
    }
  }

  /** Forgets every series (the registry's resetMetrics()). */
  reset(): void {
    this.#series = new Map()
    this.#requests = []
    this.#latencies = []
  }
}

/** The cumulative buckets, +Inf, sum and count of one series, as prom-client lists them. */
function histogramLines(name: string, l: Latency): ValuePair[] {
  const lines: ValuePair[] = []
  let acc = 0
  for (const [i, upperBound] of BUCKETS.entries()) {
    acc += l.buckets[i] ?? 0
    lines.push({
      labels: { le: upperBound },
      sharedLabels: l.labels,
      value: acc,
      metricName: `${name}_bucket`,
      exemplar: null,
    })
  }
  lines.push(
    {
      labels: { le: '+Inf' },
      sharedLabels: l.labels,
      value: l.count,
      metricName: `${name}_bucket`,
      exemplar: null,
    },
    {
      labels: {},
      sharedLabels: l.labels,
      value: l.sum,
      metricName: `${name}_sum`,
      exemplar: undefined,
    },
    {
      labels: {},
      sharedLabels: l.labels,
      value: l.count,
      metricName: `${name}_count`,
      exemplar: undefined,
    },
  )
  return lines
}
