// The origin (scheme, host, port, optional path) of every absolute URL the server hands out: a
// job's status URL, the OpenAPI document's server. The Host header is the caller's to choose, so
// it never decides it: the configured public URL does, else X-Forwarded-Proto/Host from a
// trusted proxy, else the address the server listens on.
import { isIP, type BlockList } from 'node:net'
import type { FastifyRequest } from 'fastify'
import { blockListOf, publicUrlOf } from '../config/index.js'

export interface PublicOriginOptions {
  /** FORCEBRIDGE_PUBLIC_URL, e.g. `https://api.example.com` or `https://example.com/fb`. */
  publicUrl?: string | undefined
  /**
   * FORCEBRIDGE_TRUSTED_PROXIES: addresses or CIDR ranges whose X-Forwarded-Proto, -Host and -For
   * are believed. Default: none.
   */
  trustedProxies?: readonly string[] | undefined
}

const FORWARDED_HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})?(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

export class PublicOrigin {
  readonly #publicUrl: string | undefined
  readonly #proxies: BlockList | undefined
  #listening = 'http://127.0.0.1'

  constructor(options: PublicOriginOptions = {}) {
    this.#publicUrl = options.publicUrl === undefined ? undefined : publicUrlOf(options.publicUrl)
    const proxies = options.trustedProxies ?? []
    this.#proxies = proxies.length > 0 ? blockListOf(proxies) : undefined
  }

  /** Whether any proxy is trusted (Fastify's `trustProxy` is left off otherwise). */
  get trustsProxies(): boolean {
    return this.#proxies !== undefined
  }

  /** Fastify's `trustProxy`: which peers' X-Forwarded-* headers count (req.ip, protocol, host). */
  readonly trustProxy = (address: string): boolean => this.#trusts(address)

  /** Called once listening: the base URL of the bound address. */
  listeningAt(url: string): void {
    this.#listening = url.replace(/\/+$/, '')
  }

  /** The origin for absolute URLs in the answer to `req`, without a trailing slash. */
  of(req: FastifyRequest): string {
    if (this.#publicUrl !== undefined) return this.#publicUrl
    const peer = req.raw.socket?.remoteAddress
    const forwardedHost = req.headers['x-forwarded-host']
    if (peer !== undefined && forwardedHost !== undefined && this.#trusts(peer)) {
      // Fastify's req.host and req.protocol read the last X-Forwarded-* entry from a trusted peer.
      const host = req.host
      const proto = req.protocol
      if (FORWARDED_HOST.test(host) && (proto === 'http' || proto === 'https'))
        return `${proto}://${host}`
    }
    return this.#listening
  }

  #trusts(address: string): boolean {
    if (!this.#proxies) return false
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address
    const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4'
    return isIP(plain) !== 0 && this.#proxies.check(plain, family)
  }
}
