// The auth seam of a client (`client.auth`): what any transport needs to call Salesforce as
// the connection, whether HTTP (the request pipeline) or gRPC (Pub/Sub API).

import type { TokenInfo } from './token-info.js'

/**
 * The connection's current access token, shared by everything that calls Salesforce with it.
 *
 * @example
 * // A gRPC call: metadata from the token, and one new login if Salesforce refused it.
 * const token = await client.auth.current()
 * const metadata = { accesstoken: token.accessToken, instanceurl: token.instanceUrl }
 * // ... on UNAUTHENTICATED:
 * await client.auth.invalidate(token)
 */
export interface TokenProvider {
  /** The token in use, without waiting; undefined when one must be fetched or logged in for. */
  peek(): TokenInfo | undefined
  /**
   * The token in use, logging in when there is none. Concurrent callers share one login (and,
   * with a shared LoginLock, so do other processes).
   */
  current(): Promise<TokenInfo>
  /**
   * Reports that Salesforce refused `token` (401 INVALID_SESSION_ID). It is dropped only if it
   * is still the current one: a newer token another caller already obtained is kept, so many
   * callers failing with the same old token cost one login, not one each.
   */
  invalidate(token: TokenInfo | string): Promise<void>
}
