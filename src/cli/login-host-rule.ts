// Which login hosts a connection may use, checked before a secret is asked for or anything is
// sent: client credentials only on a My Domain host, plain http only on this machine.
import { ForcebridgeError } from '../util/index.js'

/** Where a connection logs in unless told otherwise. */
export const DEFAULT_LOGIN_URL = 'https://login.salesforce.com'

/** 127.0.0.0/8, ::1 and localhost: an emulator or a tunnel on this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host.endsWith('.localhost')
  )
}

/**
 * A Salesforce host that is not the org's My Domain: the generic login hosts, old instance
 * hosts (na1.salesforce.com) and the Lightning UI host. Their token endpoint refuses the client
 * credentials flow (salesforce-api.md §1.1: invalid_client_id or unsupported_grant_type).
 */
function notMyDomain(host: string): boolean {
  if (host.endsWith('.my.salesforce.com')) return false
  return host.endsWith('.salesforce.com') || host.endsWith('.lightning.force.com')
}

/** acme.lightning.force.com → acme.my.salesforce.com, the My Domain a user most likely means. */
function myDomainOf(host: string): string | undefined {
  const m = /^(.+?)\.lightning\.force\.com$/.exec(host)
  return m ? `${m[1]}.my.salesforce.com` : undefined
}

/** Refuses a login URL the flow cannot use, naming the connection and what to give instead. */
export function checkLoginHost(name: string, flow: string, loginUrl: string): void {
  let url: URL
  try {
    url = new URL(loginUrl)
  } catch {
    throw new ForcebridgeError(
      'INVALID_CONNECTION',
      `connection '${name}': --login-url ${loginUrl} is not a URL; give one such as https://login.salesforce.com or https://<name>.my.salesforce.com`,
    )
  }
  const host = url.hostname.toLowerCase()
  if (url.protocol === 'http:' && !isLoopbackHost(host)) {
    throw new ForcebridgeError(
      'LOGIN_URL_REFUSED',
      `connection '${name}': ${loginUrl} would send the credentials unencrypted; use https:// (http is accepted only on this machine: 127.0.0.1, ::1, localhost, e.g. for the emulator)`,
    )
  }
  if (flow === 'client_credentials' && notMyDomain(host)) {
    const guess = myDomainOf(host)
    throw new ForcebridgeError(
      'LOGIN_URL_REFUSED',
      `connection '${name}': the client_credentials flow needs the org's My Domain login URL, and ${host} is not one (its token endpoint refuses the flow); give --login-url ${
        guess ? `https://${guess}` : 'https://<name>.my.salesforce.com'
      } (a sandbox: https://<name>--<sandbox>.sandbox.my.salesforce.com), as shown in Setup → My Domain`,
    )
  }
}
