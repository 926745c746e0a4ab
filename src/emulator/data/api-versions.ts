// The API versions the emulator serves: every version from 31.0 (Summer '14) to 68.0
// (Winter '27), three releases a year (salesforce-api.md §0).

export const OLDEST_VERSION = 31
export const NEWEST_VERSION = 68

const SEASONS = ['Summer', 'Winter', 'Spring'] as const

export interface ApiVersion {
  label: string
  url: string
  version: string
}

/** `Summer '14` for 31, `Winter '25` for 62, ... */
export function versionLabel(major: number): string {
  const index = major - OLDEST_VERSION
  const season = SEASONS[index % 3]!
  const year = (season === 'Summer' ? 14 : 15) + Math.floor(index / 3)
  return `${season} '${String(year).padStart(2, '0')}`
}

export function apiVersions(): ApiVersion[] {
  const out: ApiVersion[] = []
  for (let v = OLDEST_VERSION; v <= NEWEST_VERSION; v++) {
    out.push({ label: versionLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` })
  }
  return out
}

/** `'66.0'` for a path segment `v66.0` (or `latest`), undefined for an unknown version. */
export function versionFromSegment(segment: string): string | undefined {
  if (segment === 'latest') return `${NEWEST_VERSION}.0`
  const m = /^v(\d+)\.0$/.exec(segment)
  if (!m) return undefined
  const major = Number(m[1])
  return major >= OLDEST_VERSION && major <= NEWEST_VERSION ? `${major}.0` : undefined
}
