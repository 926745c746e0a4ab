// The address settings the server is configured with, checked when the settings are read:
// FORCEBRIDGE_PUBLIC_URL and FORCEBRIDGE_TRUSTED_PROXIES (used by channels/public-origin.ts).
import { BlockList, isIP } from 'node:net'
import { ForcebridgeError } from '../../util/index.js'

/** A public URL without a trailing slash; refused unless http(s) with no query or fragment. */
export function publicUrlOf(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ForcebridgeError('INVALID_CONFIG', `public URL ${text}: not a URL`)
  }
  if (!/^https?:$/.test(url.protocol) || url.search !== '' || url.hash !== '' || url.username) {
    throw new ForcebridgeError(
      'INVALID_CONFIG',
      `public URL ${text}: must be http(s)://host[:port][/path], without query, fragment or user`,
    )
  }
  return url.href.replace(/\/+$/, '')
}

/** Addresses and CIDR ranges as a BlockList; a bad entry is refused with its text. */
export function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList()
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/')
    const family = isIP(address)
    const prefix = bits === undefined ? undefined : Number(bits)
    const max = family === 6 ? 128 : 32
    if (
      family === 0 ||
      (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 0 || prefix > max))
    ) {
      throw new ForcebridgeError(
        'INVALID_CONFIG',
        `trusted proxy ${entry}: write an IP address or a CIDR range (10.0.0.0/8, fd00::/8)`,
      )
    }
    const type = family === 6 ? 'ipv6' : 'ipv4'
    if (prefix === undefined) list.addAddress(address, type)
    else list.addSubnet(address, prefix, type)
  }
  return list
}
