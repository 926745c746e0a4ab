// API usage as inline SVG: a gauge of the latest `api-usage=used/max` and a line of `used` over
// time. Drawn on the server with SVG attributes only (no inline styles: the page's CSP forbids them).
import { html, type Html } from '../html/index.js'
import type { UsagePoint } from '../../runtime/index.js'

export function usageGauge(points: UsagePoint[]): Html {
  const last = points.at(-1)
  if (!last) return html`<span class="muted">no figures yet (ping or call the connection)</span>`
  const share = last.max > 0 ? Math.min(last.used / last.max, 1) : 0
  // At least 2 px once anything is used: 6 of 15,000 would round to an empty bar.
  const width = last.used > 0 ? Math.max(2, Math.round(share * 200)) : 0
  const color = share >= 0.9 ? '#b3261e' : share >= 0.7 ? '#b26a00' : '#1f7a3a'
  return html`<svg
      class="gauge"
      width="200"
      height="14"
      viewBox="0 0 200 14"
      role="img"
      aria-label="${`${last.used} of ${last.max} API requests used`}"
    >
      <rect width="200" height="14" rx="3" fill="#e3e8ee"></rect>
      <rect width="${width}" height="14" rx="3" fill="${color}"></rect>
    </svg>
    <span
      >${last.used.toLocaleString('en')} / ${last.max.toLocaleString('en')} API requests (24
      h)</span
    >`
}

export function usageChart(points: UsagePoint[]): Html {
  if (points.length < 2) {
    return html`<p class="muted">
      The chart appears once two samples were taken (${points.length} so far).
    </p>`
  }
  const w = 600
  const h = 160
  const pad = 30
  const times = points.map((p) => Date.parse(p.at))
  const t0 = Math.min(...times)
  const t1 = Math.max(...times)
  const top = Math.max(...points.map((p) => Math.max(p.used, 1)))
  const x = (t: number) => pad + ((t - t0) / Math.max(t1 - t0, 1)) * (w - 2 * pad)
  const y = (v: number) => h - pad - (v / top) * (h - 2 * pad)
  const line = points
    .map((p, i) => `${x(times[i] ?? t0).toFixed(1)},${y(p.used).toFixed(1)}`)
    .join(' ')
  const first = points[0]
  const last = points.at(-1)
  return html`<svg
    class="chart"
    width="${w}"
    height="${h}"
    viewBox="0 0 ${w} ${h}"
    role="img"
    aria-label="API requests used over time"
  >
    <line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#b8c2cc"></line>
    <line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="#b8c2cc"></line>
    <polyline points="${line}" fill="none" stroke="#0b5cab" stroke-width="2"></polyline>
    <text x="${pad}" y="${pad - 8}" font-size="11" fill="#5b6775">${top} used</text>
    <text x="${pad}" y="${h - 8}" font-size="11" fill="#5b6775">
      ${first?.at.slice(11, 19) ?? ''}
    </text>
    <text x="${w - pad}" y="${h - 8}" font-size="11" fill="#5b6775" text-anchor="end">
      ${last?.at.slice(11, 19) ?? ''} UTC
    </text>
  </svg>`
}
