// One Salesforce client per stored connection, cached so its token is reused across
// invocations. `refresh()` re-reads the store cheaply (no secrets unless a row changed), so
// edits made by the CLI in another process reach the running server.
import type { Logger } from 'pino'
import {
  createClient,
  type ClientAuth,
  type SalesforceClient,
  type SharedTokenState,
} from '../../salesforce/index.js'
import type {
  ConnectionCredentials,
  ConnectionInfo,
  ConnectionRepository,
  SettingRepository,
} from '../../store/index.js'
import { ForcebridgeError } from '../../util/index.js'
import { storedTokens } from './stored-tokens.js'

interface Entry {
  info: ConnectionInfo
  client: SalesforceClient | undefined
  /** Why no client could be built (e.g. a secret sealed with another master key). */
  error: Error | undefined
}

export interface ConnectionClientsOptions {
  /** Passed to every client, e.g. a shorter timeout in tests. */
  timeoutMs?: number
  /** Told about each client built for a connection (metrics follow its events). */
  onClient?: (connection: string, client: SalesforceClient) => void
  /**
   * Where tokens are kept between processes (sealed in the store), so a restart reuses them.
   * Also keeps a rotated refresh token: the connection's stored one is replaced at once.
   */
  settings?: SettingRepository
  /**
   * The store's revision (`store.revision()`): refresh() skips reading the connections while it
   * has not moved. Left out, every refresh() reads them.
   */
  revision?: () => string
  /**
   * Token cache, login lock and login cooldown shared by the clients (and, in a cluster, by
   * every node). Left out, each client keeps its own in memory.
   */
  sharedTokens?: SharedTokenState
  /** `host:port` of the Pub/Sub API for every client; default Salesforce's. */
  pubsubEndpoint?: string
}

const UNCHANGED = Promise.resolve()

export class ConnectionClients {
  readonly #repo: ConnectionRepository
  readonly #log: Logger
  readonly #options: ConnectionClientsOptions
  #entries = new Map<string, Entry>()
  #refreshing: Promise<void> | undefined
  /** The revision the entries were read at. */
  #loadedRevision: string | undefined

  constructor(repo: ConnectionRepository, log: Logger, options: ConnectionClientsOptions = {}) {
    this.#repo = repo
    this.#log = log
    this.#options = options
  }

  /** True when the clients were read at the store's current revision (refresh() has no work). */
  isCurrent(): boolean {
    const revision = this.#options.revision?.()
    return revision !== undefined && revision === this.#loadedRevision
  }

  /**
   * Picks up added, changed and removed connections; unchanged ones keep their client (and
   * so their token). Clients log in lazily, on their first call.
   */
  refresh(): Promise<void> {
    if (this.isCurrent()) return UNCHANGED
    const revision = this.#options.revision?.()
    // Single flight: concurrent invocations share one refresh, so a burst of calls on a new
    // or changed connection builds one client and so costs one login, not one each.
    this.#refreshing ??= this.#reload(revision).finally(() => {
      this.#refreshing = undefined
    })
    return this.#refreshing
  }

  async #reload(revision: string | undefined): Promise<void> {
    // The revision is taken before reading, so a change made during the read is seen next time.
    const next = new Map<string, Entry>()
    for (const info of await this.#repo.list()) {
      const old = this.#entries.get(info.name)
      if (old && old.info.id === info.id && old.info.updatedAt === info.updatedAt) {
        next.set(info.name, old)
        continue
      }
      const entry: Entry = { info, client: undefined, error: undefined }
      if (info.active) {
        try {
          entry.client = clientFor(await this.#repo.credentials(info.name), this.#log, {
            ...this.#options,
            repo: this.#repo,
          })
          this.#options.onClient?.(info.name, entry.client)
        } catch (err) {
          entry.error = err instanceof Error ? err : new Error(String(err))
        }
      }
      next.set(info.name, entry)
    }
    for (const [name, old] of this.#entries) {
      // Invocations already running may still hold the old client: close it a little later.
      const client = old.client
      if (next.get(name) !== old && client) {
        setTimeout(() => void client.close().catch(() => undefined), 60_000).unref()
      }
    }
    this.#entries = next
    this.#loadedRevision = revision
  }

  /** The client of `name`; fails at once, without waiting, when it is missing or inactive. */
  get(name: string): SalesforceClient {
    const entry = this.#entries.get(name)
    if (!entry) {
      throw new ForcebridgeError(
        'CONNECTION_NOT_FOUND',
        `connection '${name}' does not exist; add it with \`forcebridge connection add\``,
      )
    }
    if (!entry.info.active) {
      throw new ForcebridgeError(
        'CONNECTION_INACTIVE',
        `connection '${name}' is inactive; activate it with \`forcebridge connection edit '${name}' --active\``,
      )
    }
    if (!entry.client) {
      throw new ForcebridgeError(
        'CONNECTION_UNUSABLE',
        `connection '${name}' cannot be used: ${entry.error?.message ?? 'no client'}`,
        { cause: entry.error },
      )
    }
    return entry.client
  }

  async close(): Promise<void> {
    this.#loadedRevision = undefined
    await Promise.all(
      [...this.#entries.values()].flatMap((e) => (e.client ? [e.client.close()] : [])),
    )
    this.#entries.clear()
  }
}

/** Builds the client options of a stored connection. */
export function clientFor(
  c: ConnectionCredentials,
  log: Logger,
  options: ConnectionClientsOptions & { repo?: ConnectionRepository } = {},
): SalesforceClient {
  const { repo, settings } = options
  return createClient({
    loginUrl: c.loginUrl,
    apiVersion: c.apiVersion,
    name: c.name,
    auth: authOf(c),
    // Not a child bound to the connection: every line the client logs names it already, and a
    // second `connection` key would repeat it in the same JSON line.
    logger: log,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.pubsubEndpoint ? { pubsubEndpoint: options.pubsubEndpoint } : {}),
    ...options.sharedTokens,
    // A token shared beyond this client (a cluster's Redis) is keyed by the connection and its
    // last edit: after an edit (a new password, another user) every node logs in with the new
    // settings, once between them, instead of reusing a token the old ones got, so a bad edit
    // shows at once. The client's default key (login URL, flow, consumer key, user) would not see
    // a new password.
    ...(options.sharedTokens?.tokenCache ? { tokenKey: `connection:${c.id}:${c.updatedAt}` } : {}),
    ...(settings ? { tokenStore: storedTokens(settings, c) } : {}),
    // With rotation, the old refresh token dies when a new one is issued: keep the new one.
    ...(repo && c.authFlow === 'refresh_token'
      ? {
          onRefreshTokenRotated: async (refreshToken: string) => {
            await repo.update(c.name, { refreshToken })
          },
        }
      : {}),
  })
}

function authOf(c: ConnectionCredentials): ClientAuth {
  const need = (v: string | undefined, field: string): string => {
    if (v === undefined) {
      throw new ForcebridgeError(
        'CONNECTION_INCOMPLETE',
        `connection '${c.name}' has no ${field}; set it with \`forcebridge connection edit\``,
      )
    }
    return v
  }
  switch (c.authFlow) {
    case 'password':
      return {
        flow: 'password',
        username: need(c.username, 'username'),
        password: need(c.password, 'password'),
        clientId: need(c.clientId, 'client id'),
        clientSecret: need(c.clientSecret, 'client secret'),
        ...(c.securityToken ? { securityToken: c.securityToken } : {}),
      }
    case 'client_credentials':
      return {
        flow: 'client_credentials',
        clientId: need(c.clientId, 'client id'),
        clientSecret: need(c.clientSecret, 'client secret'),
      }
    case 'jwt_bearer':
      return {
        flow: 'jwt_bearer',
        clientId: need(c.clientId, 'client id'),
        username: need(c.username, 'username'),
        privateKey: need(c.privateKey, 'private key'),
      }
    case 'refresh_token':
      return {
        flow: 'refresh_token',
        clientId: need(c.clientId, 'client id'),
        refreshToken: need(c.refreshToken, 'refresh token'),
        ...(c.clientSecret ? { clientSecret: c.clientSecret } : {}),
      }
  }
}
