// The channels and their security checkers as of one store revision, so a request costs no store
// read: both are read again only when `store.revision()` moves (a change made by this process or
// by another one sharing the store, such as a CLI command).
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose'
import type { ChannelInfo, Store } from '../../store/index.js'
import { ChannelRouter } from './channel-router.js'
import { channelSecurity, type ChannelSecurity } from './channel-security.js'

export interface ChannelSnapshot {
  readonly revision: string
  readonly channels: readonly ChannelInfo[]
  readonly router: ChannelRouter
  /** The checker of security definition `id`; undefined when it does not exist. */
  security(id: string): ChannelSecurity | undefined
}

export interface ChannelTableOptions {
  /** Told about each new snapshot (the rate limiter forgets removed channels). */
  onReload?: (snapshot: ChannelSnapshot) => void
}

/** jose refetches a key set at most this often when a token names a key it does not hold. */
const JWKS_COOLDOWN_MS = 30_000
const JWKS_TIMEOUT_MS = 5_000

export class ChannelTable {
  readonly #store: Pick<Store, 'revision' | 'channels' | 'security'>
  readonly #options: ChannelTableOptions
  #snapshot: ChannelSnapshot | undefined
  #loading: Promise<ChannelSnapshot> | undefined
  /** Key sets by JWKS URL, kept across revisions so an unrelated edit does not refetch them. */
  #jwks = new Map<string, JWTVerifyGetKey>()

  constructor(
    store: Pick<Store, 'revision' | 'channels' | 'security'>,
    options: ChannelTableOptions = {},
  ) {
    this.#store = store
    this.#options = options
  }

  /** The snapshot of the store's current revision (a value when cached, else a promise). */
  current(): ChannelSnapshot | Promise<ChannelSnapshot> {
    const revision = this.#store.revision()
    if (this.#snapshot?.revision === revision) return this.#snapshot
    // Single flight: a burst of requests after a change reads the store once.
    this.#loading ??= this.#load(revision).finally(() => {
      this.#loading = undefined
    })
    return this.#loading
  }

  async #load(revision: string): Promise<ChannelSnapshot> {
    // The revision is taken before reading, so a change made during the read is seen next time.
    const [channels, materials] = await Promise.all([
      this.#store.channels.list(),
      this.#store.security.material(),
    ])
    const usedUrls = new Set<string>()
    const jwks = (url: string) => {
      usedUrls.add(url)
      let set = this.#jwks.get(url)
      if (!set) {
        set = createRemoteJWKSet(new URL(url), {
          cooldownDuration: JWKS_COOLDOWN_MS,
          timeoutDuration: JWKS_TIMEOUT_MS,
        })
        this.#jwks.set(url, set)
      }
      return set
    }
    const checkers = new Map(materials.map((m) => [m.id, channelSecurity(m, { jwks })]))
    for (const url of this.#jwks.keys()) if (!usedUrls.has(url)) this.#jwks.delete(url)
    const snapshot: ChannelSnapshot = {
      revision,
      channels,
      router: new ChannelRouter(channels),
      security: (id) => checkers.get(id),
    }
    this.#snapshot = snapshot
    this.#options.onReload?.(snapshot)
    return snapshot
  }
}
