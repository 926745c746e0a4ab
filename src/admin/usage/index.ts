// Usage: the gauge and chart that show the API-usage figures sampled per connection (the figures
// themselves live in runtime/shared-state's UsageStore).
export { usageChart, usageGauge } from './usage-chart.js'
