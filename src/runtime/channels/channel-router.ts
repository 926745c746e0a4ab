// Matches a request's method and path against the stored channels. Kept apart from Fastify's
// router so channels can change while the server runs (they live in the store, not in code).
// Built once per store revision: fixed paths are one map lookup, parameterised ones a short scan.
import type { ChannelInfo } from '../../store/index.js'

export interface ChannelMatch {
  channel: ChannelInfo
  params: Record<string, string>
}

interface Pattern {
  channel: ChannelInfo
  segments: string[]
}

const NO_PARAMS: Record<string, string> = Object.freeze({})

/**
 * The channels of one store revision, ready to match. A fixed path wins over a parameterised one
 * (`/orders/today` before `/orders/:id`); among parameterised ones the store's order decides.
 */
export class ChannelRouter {
  /**
   * Per method, `/path` (trailing slashes dropped) → the match of the channel with that fixed
   * path, made once: a request to a fixed path allocates nothing here.
   */
  readonly #fixed = new Map<string, Map<string, ChannelMatch>>()
  /** Per method, the channels whose path has `:name` segments. */
  readonly #patterns = new Map<string, Pattern[]>()

  constructor(channels: ChannelInfo[]) {
    for (const channel of channels) {
      const segments = split(channel.path)
      if (!segments.some((s) => s.startsWith(':'))) {
        const path = `/${segments.join('/')}`
        let paths = this.#fixed.get(channel.method)
        if (!paths) this.#fixed.set(channel.method, (paths = new Map<string, ChannelMatch>()))
        if (!paths.has(path)) paths.set(path, Object.freeze({ channel, params: NO_PARAMS }))
        continue
      }
      const list = this.#patterns.get(channel.method) ?? []
      list.push({ channel, segments })
      this.#patterns.set(channel.method, list)
    }
  }

  /** The channel for `method` and `path` (`:name` segments capture one segment each). */
  match(method: string, path: string): ChannelMatch | undefined {
    const trimmed = trimSlashes(path)
    const fixed = this.#fixed.get(method)?.get(trimmed || '/')
    if (fixed) return fixed
    const patterns = this.#patterns.get(method)
    if (!patterns) return undefined
    const parts = trimmed.split('/').slice(1)
    for (const { channel, segments } of patterns) {
      if (segments.length !== parts.length) continue
      const params = capture(segments, parts)
      if (params) return { channel, params }
    }
    return undefined
  }
}

/** Finds the channel for `method` and `path` in `channels` (builds a router for one lookup). */
export function matchChannel(
  channels: ChannelInfo[],
  method: string,
  path: string,
): ChannelMatch | undefined {
  return new ChannelRouter(channels).match(method, path)
}

function capture(segments: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {}
  for (const [i, seg] of segments.entries()) {
    const actual = parts[i] ?? ''
    if (seg.startsWith(':')) {
      if (!actual) return undefined
      params[seg.slice(1)] = safeDecode(actual)
    } else if (seg !== actual) {
      return undefined
    }
  }
  return params
}

function trimSlashes(path: string): string {
  // '/' and '' both mean the root; '/a/b///' means '/a/b'.
  let end = path.length
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--
  return end === path.length ? path : path.slice(0, end)
}

function split(path: string): string[] {
  return trimSlashes(path).split('/').slice(1)
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
