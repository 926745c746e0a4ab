// A channel's limits as an operator writes and reads them on the command line: `--rate 20/60s`,
// `--timeout 5000`, `--max-body 64KiB`, and "20/60s · 5000 ms · 64 KiB" in a listing. Only the
// shape is checked here; the store checks the ranges and names the field it refuses.
import type { ChannelInfo, RateLimit } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'

/** `20/60s` (or `20/60`) → at most 20 requests per 60 seconds. */
export function parseRate(text: string): RateLimit {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*s?\s*$/.exec(text)
  if (!m) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `--rate ${text}: write requests/seconds, e.g. --rate 20/60s (20 calls per 60 seconds)`,
    )
  }
  return { requests: Number(m[1]), perSeconds: Number(m[2]) }
}

/** `5000` or `5000ms` → 5000. */
export function parseTimeout(text: string): number {
  const m = /^\s*(\d+)\s*(ms)?\s*$/.exec(text)
  if (!m) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `--timeout ${text}: write milliseconds, e.g. --timeout 5000`,
    )
  }
  return Number(m[1])
}

const UNITS: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }

/**
 * `65536`, `64KiB`, `1MiB` → bytes. "KB" and "MB" are refused: they mean 1000 to some and 1024
 * to others, and a body limit off by 2% is a surprise nobody needs.
 */
export function parseSize(text: string): number {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text)
  const unit = UNITS[(m?.[2] || 'b').toLowerCase()]
  if (!m || unit === undefined) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `--max-body ${text}: write bytes, KiB or MiB, e.g. --max-body 65536, 64KiB or 1MiB`,
    )
  }
  return Number(m[1]) * unit
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} B`
}

/** "20/60s · 5000 ms · 64 KiB", leaving out the limits not set; "none" when none is. */
export function formatLimits(c: Pick<ChannelInfo, 'rateLimit' | 'timeoutMs' | 'maxBodyBytes'>) {
  const parts: string[] = []
  if (c.rateLimit) parts.push(`${c.rateLimit.requests}/${c.rateLimit.perSeconds}s`)
  if (c.timeoutMs !== null) parts.push(`${c.timeoutMs} ms`)
  if (c.maxBodyBytes !== null) parts.push(formatSize(c.maxBodyBytes))
  return parts.length > 0 ? parts.join(' · ') : 'none'
}
