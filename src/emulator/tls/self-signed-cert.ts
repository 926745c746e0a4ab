// A self-signed certificate for the emulator's HTTPS: an ECDSA P-256 key, the names it
// serves under (localhost, 127.0.0.1, ::1 and the bound host) in subjectAltName, signed by
// itself so that it is its own CA for NODE_EXTRA_CA_CERTS. Built in DER with node:crypto.

import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto'
import { isIP } from 'node:net'
import {
  bitString,
  explicit,
  integer,
  octets,
  oid,
  sequence,
  set,
  time,
  TRUE,
  tlv,
  utf8,
} from './der.js'

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2'
const DAY = 24 * 3600_000

export interface CertificatePair {
  /** PEM certificate: what clients trust. */
  cert: string
  /** PEM PKCS#8 private key. */
  key: string
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number))
  // IPv6: expand `::` and write the eight groups.
  const [head = '', tail] = ip.split('::')
  const h = head === '' ? [] : head.split(':')
  const t = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]))
}

/** subjectAltName entries: dNSName [2] or iPAddress [7]. */
function altName(name: string): Buffer {
  const ip = name.replace(/^\[|\]$/g, '')
  return isIP(ip) ? tlv(0x87, ipBytes(ip)) : tlv(0x82, Buffer.from(name, 'ascii'))
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), TRUE, octets(value)) : sequence(oid(id), octets(value))
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

/** The host names and addresses a certificate for `host` names. */
export function certificateNames(host: string): string[] {
  return [...new Set(['localhost', '127.0.0.1', '::1', host.replace(/^\[|\]$/g, '')])]
}

/** A new self-signed certificate for `names`, valid from a day ago for `days` days. */
export function createSelfSignedCertificate(
  names: string[],
  now = new Date(),
  days = 365,
): CertificatePair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  // The key identifier: SHA-1 of the public key's bits (RFC 5280 §4.2.1.2, method 1); a P-256
  // SubjectPublicKeyInfo ends with the 65-byte uncompressed point.
  const keyId = createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest()
  const subject = sequence(set(sequence(oid('2.5.4.3'), utf8('forcebridge emulator'))))
  const serial = randomBytes(16)
  serial[0] = serial[0]! & 0x7f
  const algorithm = sequence(oid(ECDSA_WITH_SHA256))
  const extensions = sequence(
    // CA:TRUE, so the certificate is its own trust anchor.
    extension('2.5.29.19', true, sequence(TRUE)),
    // keyUsage: digitalSignature and keyCertSign (bits 0 and 5: 0x84, 2 unused bits).
    extension('2.5.29.15', true, bitString(Buffer.from([0x84]), 2)),
    // extKeyUsage: serverAuth.
    extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))),
    extension('2.5.29.17', false, sequence(...names.map(altName))),
    extension('2.5.29.14', false, octets(keyId)),
    extension('2.5.29.35', false, sequence(tlv(0x80, keyId))),
  )
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    algorithm,
    subject,
    sequence(time(new Date(now.getTime() - DAY)), time(new Date(now.getTime() + days * DAY))),
    subject,
    spki,
    explicit(3, extensions),
  )
  const signature = sign('sha256', tbs, privateKey)
  const cert = pem('CERTIFICATE', sequence(tbs, algorithm, bitString(signature)))
  // A check of our own encoding: Node must read the certificate and its signature must hold.
  if (!new X509Certificate(cert).verify(publicKey)) {
    throw new Error('the self-signed certificate does not verify with its own key')
  }
  return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
}
