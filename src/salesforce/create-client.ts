// The entry point: validates the options once and builds a client.

import { resolveOptions } from './client-options.js'
import type { ClientOptions } from './client-options.js'
import { SalesforceClient } from './salesforce-client.js'

/**
 * Creates a client for one connection. No network traffic until the first call.
 *
 * @example
 * const sf = createClient({
 *   loginUrl: 'https://login.salesforce.com',
 *   auth: { flow: 'password', username, password, securityToken, clientId, clientSecret },
 * })
 * const account = await sf.get('/sobjects/Account/001...')
 */
export function createClient(options: ClientOptions): SalesforceClient {
  return new SalesforceClient(resolveOptions(options))
}
