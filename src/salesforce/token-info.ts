// The token a login returns, in camelCase (salesforce-api.md §1.7).

export interface TokenInfo {
  accessToken: string
  /** Host for every data call, without a trailing slash. */
  instanceUrl: string
  /** Identity URL, e.g. https://login.salesforce.com/id/<org>/<user>. */
  id: string
  /** Epoch milliseconds as a string, as Salesforce sends it; the client's clock when absent (JWT). */
  issuedAt: string
  tokenType: string
  scope?: string
  signature?: string
  /** True when `signature` matched the consumer secret; false when it could not be checked. */
  signatureVerified?: boolean
  /** Only in the refresh token flow (the current, possibly rotated, one). */
  refreshToken?: string
}
