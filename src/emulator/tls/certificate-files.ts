// Where the emulator keeps its HTTPS certificate: `<data folder>/tls/` when it has one (made
// at first start, reused while valid for the host), else a temporary folder removed at close.
// Both files are readable by their owner only (0600): the key must not leak to other users.

import { X509Certificate } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { processTempDir } from '../../util/index.js'
import { certificateNames, createSelfSignedCertificate } from './self-signed-cert.js'

export interface CertificateFiles {
  /** The PEM certificate: give it to clients in NODE_EXTRA_CA_CERTS. */
  certFile: string
  keyFile: string
  cert: string
  key: string
  /** Removes the files when they live in a temporary folder; a no-op otherwise. */
  dispose(): void
}

const DAY = 24 * 3600_000

/** True when a kept certificate still serves `host` for at least a day. */
function stillGood(cert: string, host: string, now: Date): boolean {
  try {
    const x = new X509Certificate(cert)
    const name = host.replace(/^\[|\]$/g, '')
    const covers = isIP(name) ? x.checkIP(name) !== undefined : x.checkHost(name) !== undefined
    return covers && new Date(x.validTo).getTime() - now.getTime() > DAY
  } catch {
    return false
  }
}

function write(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 })
  // An existing file keeps its old mode through writeFileSync.
  chmodSync(file, 0o600)
}

/** The certificate and key for `host`, made now or reused from `dataDir`. */
export function certificateFiles(
  dataDir: string | undefined,
  host: string,
  now: Date,
): CertificateFiles {
  const temporary = dataDir === undefined
  const dir = temporary ? processTempDir('forcebridge-emulator-tls-') : join(dataDir, 'tls')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const certFile = join(dir, 'emulator-cert.pem')
  const keyFile = join(dir, 'emulator-key.pem')
  let pair: { cert: string; key: string } | undefined
  if (!temporary && existsSync(certFile) && existsSync(keyFile)) {
    const kept = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }
    if (stillGood(kept.cert, host, now)) pair = kept
  }
  if (pair === undefined) {
    pair = createSelfSignedCertificate(certificateNames(host), now)
    write(keyFile, pair.key)
    write(certFile, pair.cert)
  }
  return {
    certFile,
    keyFile,
    ...pair,
    dispose: () => {
      if (temporary) rmSync(dir, { recursive: true, force: true })
    },
  }
}
