// Usage: API-usage figures sampled per connection, and the gauge and chart that show them.
export { UsageTracker, type UsagePoint, type LimitSample } from './usage-tracker.js'
export { usageChart, usageGauge } from './usage-chart.js'
