// A client's token key (login URL, flow, consumer key, user name) as Redis sees it: a digest, so
// key names show no user name or consumer key, and any key length fits.
import { createHash } from 'node:crypto'

export function tokenKeyDigest(tokenKey: string): string {
  return createHash('sha256').update(tokenKey).digest('base64url')
}
