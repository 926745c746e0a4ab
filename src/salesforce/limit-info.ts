// Parses the Sforce-Limit-Info response header (salesforce-api.md §5).

export interface LimitInfo {
  /** API requests used in the rolling 24 hours (may exceed `max` during bursts). */
  used: number
  max: number
  /** The pilot per-connected-app figure, when Salesforce sends it. */
  perApp?: { used: number; max: number; app: string }
  /** When the header was seen. */
  at: Date
}

// `(?:^|[^-\w])` keeps `per-app-api-usage=` from matching as `api-usage=` (simple-sf does the same).
const API_USAGE = /(?:^|[^-\w])api-usage=(\d+)\/(\d+)/
const PER_APP = /per-app-api-usage=(\d+)\/(\d+)(?:\(appName=([^)]*)\))?/

/** `api-usage=25/5000; per-app-api-usage=17/250(appName=x)` → figures; undefined if absent. */
export function parseLimitInfo(header: string, at: Date): LimitInfo | undefined {
  const usage = API_USAGE.exec(header)
  if (!usage) return undefined
  const info: LimitInfo = { used: Number(usage[1]), max: Number(usage[2]), at }
  const perApp = PER_APP.exec(header)
  if (perApp) {
    info.perApp = { used: Number(perApp[1]), max: Number(perApp[2]), app: perApp[3] ?? '' }
  }
  return info
}
