// Matches a request's method and path against the stored channels. Kept apart from Fastify's
// router so channels can change while the server runs (they live in the store, not in code).
import type { ChannelInfo } from '../store/index.js'

export interface ChannelMatch {
  channel: ChannelInfo
  params: Record<string, string>
}

/** Finds the channel for `method` and `path` (`:name` segments capture one segment each). */
export function matchChannel(
  channels: ChannelInfo[],
  method: string,
  path: string,
): ChannelMatch | undefined {
  const parts = split(path)
  for (const channel of channels) {
    if (channel.method !== method) continue
    const pattern = split(channel.path)
    if (pattern.length !== parts.length) continue
    const params: Record<string, string> = {}
    let ok = true
    for (const [i, seg] of pattern.entries()) {
      const actual = parts[i] ?? ''
      if (seg.startsWith(':')) {
        if (!actual) ok = false
        else params[seg.slice(1)] = safeDecode(actual)
      } else if (seg !== actual) {
        ok = false
      }
      if (!ok) break
    }
    if (ok) return { channel, params }
  }
  return undefined
}

function split(path: string): string[] {
  return path.replace(/\/+$/, '').split('/').slice(1)
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
