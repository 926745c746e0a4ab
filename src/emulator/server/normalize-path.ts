// The one normalisation of a request path, done before routing and before every check
// (session guard, admin token, limits, faults), so that all of them see the same path.

/** The normalised request target, or why the path cannot name a resource. */
export type PathVerdict = { ok: true; url: string } | { ok: false; problem: string }

// RFC 3986 §2.3: these never need encoding, so `%64` and `d` are the same character.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/

/**
 * Normalises the path of a request target; the query string is left as it is.
 * - unreserved characters are percent-decoded, exactly once (`/%73ervices` is `/services`);
 * - an encoded `/` or `%`, a control character, a bad escape or bytes that are not UTF-8
 *   are refused: they would let one path mean two things to two readers;
 * - runs of slashes collapse to one: clients that keep the instance URL with its trailing
 *   slash call `//services/data/...`, which Salesforce serves;
 * - `.` and `..` segments are resolved (RFC 3986 §5.2.4); `..` above the root is refused.
 * Letter case is kept: Salesforce's paths are case-sensitive, and the router is too.
 * @example normalizeUrl('//services/%64ata/v66.0/./query?q=x') // { ok: true, url: '/services/data/v66.0/query?q=x' }
 */
export function normalizeUrl(raw: string): PathVerdict {
  const q = raw.indexOf('?')
  const path = q === -1 ? raw : raw.slice(0, q)
  const query = q === -1 ? '' : raw.slice(q)
  if (!path.startsWith('/')) return { ok: false, problem: 'the request target is not a path' }
  let decoded = ''
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!
    const code = c.charCodeAt(0)
    if (code <= 0x20 || code >= 0x7f || c === '#') {
      return { ok: false, problem: `the path holds a raw ${JSON.stringify(c)}; percent-encode it` }
    }
    if (c !== '%') {
      decoded += c
      continue
    }
    const hex = path.slice(i + 1, i + 3)
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
      return { ok: false, problem: `the path holds an invalid escape "%${hex}"` }
    }
    i += 2
    const byte = parseInt(hex, 16)
    const ch = String.fromCharCode(byte)
    if (UNRESERVED.test(ch)) decoded += ch
    else if (ch === '/' || ch === '%' || byte < 0x20 || byte === 0x7f) {
      return {
        ok: false,
        problem: `the path holds an encoded ${JSON.stringify(ch)} (%${hex.toUpperCase()})`,
      }
    } else decoded += `%${hex.toUpperCase()}`
  }
  try {
    decodeURIComponent(decoded)
  } catch {
    return { ok: false, problem: 'the path holds percent-encoded bytes that are not UTF-8' }
  }
  const segments = decoded
    .replace(/\/{2,}/g, '/')
    .split('/')
    .slice(1)
  const out: string[] = []
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!
    const last = i === segments.length - 1
    if (seg === '.') {
      if (last) out.push('')
    } else if (seg === '..') {
      if (out.length === 0) return { ok: false, problem: 'the path climbs above the root (..)' }
      out.pop()
      if (last) out.push('')
    } else out.push(seg)
  }
  return { ok: true, url: `/${out.join('/')}${query}` }
}
