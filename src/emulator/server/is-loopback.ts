// Whether an address the emulator listens on is a loopback address, in any spelling Node
// reports: 127.0.0.0/8, ::1, and IPv4-mapped ::ffff:127.x.y.z.

import { BlockList, isIPv4, isIPv6 } from 'node:net'

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')

/**
 * True for 127.0.0.0/8, `::1` and `::ffff:127.x.y.z` however written (BlockList matches
 * IPv4-mapped IPv6 addresses against the IPv4 subnet). Pass the address the server is
 * bound to: Node has already resolved spellings such as `127.1` or `localhost`.
 */
export function isLoopback(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  if (isIPv4(bare)) return loopback.check(bare, 'ipv4')
  if (isIPv6(bare)) return loopback.check(bare, 'ipv6')
  return false
}
