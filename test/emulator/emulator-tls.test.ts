// HTTPS: the emulator serves with a self-signed certificate made at first start, kept with its
// data (0600) or in a temporary folder; its token, identity and instance URLs are https://; our
// client, trusting the certificate through NODE_EXTRA_CA_CERTS, logs in and queries.

import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { Agent, request } from 'undici'
import { afterAll, describe, expect, it } from 'vitest'
import { startEmulator } from '../../src/emulator/index.js'
import { DEMO } from './login-helper.js'

const run = promisify(execFile)
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('emulator over HTTPS', () => {
  it('logs in over https with the certificate trusted, and answers https URLs', async () => {
    const emu = await startEmulator({ tls: true })
    try {
      expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const cert = new X509Certificate(emu.tls!.cert)
      expect(cert.ca).toBe(true)
      expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1')
      expect(cert.checkHost('localhost')).toBe('localhost')
      expect(cert.verify(cert.publicKey)).toBe(true)
      expect(statSync(emu.tls!.certFile).mode & 0o777).toBe(0o600)

      const agent = new Agent({ connect: { ca: emu.tls!.cert } })
      const res = await request(`${emu.url}/services/oauth2/token`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: DEMO.clientId,
          client_secret: DEMO.clientSecret,
          username: DEMO.username,
          password: DEMO.password + DEMO.securityToken,
        }).toString(),
      })
      const token = (await res.body.json()) as { instance_url: string; id: string }
      expect(res.statusCode).toBe(200)
      expect(token.instance_url).toBe(emu.url)
      expect(token.id.startsWith(`${emu.url}/id/`)).toBe(true)
      await agent.close()

      // Without the certificate trusted, the TLS handshake fails.
      await expect(request(`${emu.url}/services/data`)).rejects.toThrow(/certificate/i)
    } finally {
      await emu.close()
    }
    expect(existsSync(dirname(emu.tls!.certFile))).toBe(false)
  })

  it('serves our client in a process that trusts it through NODE_EXTRA_CA_CERTS', async () => {
    const emu = await startEmulator({ tls: true })
    try {
      const userId = [...emu.org.rows('User')][0]!.Id
      emu.org.create('Account', { Name: 'Over TLS' }, { userId })
      const script = resolve(import.meta.dirname, 'fixtures/tls-client.ts')
      const { stdout } = await run(process.execPath, ['--import', 'tsx', script, emu.url], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: emu.tls!.certFile },
        timeout: 60_000,
      })
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ names: ['Over TLS'] })
    } finally {
      await emu.close()
    }
  }, 90_000)

  it('keeps the certificate with the data folder and reuses it at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fb-emu-tls-'))
    dirs.push(dataDir)
    const first = await startEmulator({ tls: true, dataDir })
    const cert = first.tls!.cert
    await first.close()
    expect(first.tls!.certFile).toBe(join(dataDir, 'tls', 'emulator-cert.pem'))
    expect(statSync(join(dataDir, 'tls', 'emulator-key.pem')).mode & 0o777).toBe(0o600)
    const second = await startEmulator({ tls: true, dataDir })
    try {
      expect(second.tls!.cert).toBe(cert)
    } finally {
      await second.close()
    }
  })
})
