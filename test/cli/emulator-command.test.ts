// `forcebridge emulator` with fault injection flags, run as the built CLI: the org it serves
// refuses the password flow, fails writes with UNABLE_TO_LOCK_ROW, and has its daily limit spent.
import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { Agent, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_CREDENTIALS } from '../../src/cli/demo-setup.js'

const ROOT = resolve(import.meta.dirname, '../..')
let child: ChildProcess | undefined

afterEach(() => {
  child?.kill('SIGKILL')
  child = undefined
})

async function startCli(...flags: string[]): Promise<{ url: string; lines: string[] }> {
  child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'forcebridge.js'), 'emulator', '--port', '0', ...flags],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const lines: string[] = []
  let url: string | undefined
  for await (const line of createInterface({ input: child.stdout! })) {
    lines.push(line)
    url ??= /listening on (https?:\/\/\S+)/.exec(line)?.[1]
    // With flags, a summary line (the faults, the Bulk pace, the admin token) follows the address.
    if (
      url &&
      (flags.length === 0 ||
        /^(fault injection|bulk ingest pace|admin API token|trust it in Node clients)\b/.test(line))
    )
      return { url, lines }
  }
  throw new Error(`the emulator did not start: ${lines.join('\n')}`)
}

function passwordLogin(url: string) {
  return fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      username: DEMO_CREDENTIALS.username,
      password: DEMO_CREDENTIALS.password + DEMO_CREDENTIALS.securityToken,
      client_id: DEMO_CREDENTIALS.clientId,
      client_secret: DEMO_CREDENTIALS.clientSecret,
    }),
  })
}

describe('forcebridge emulator fault flags', () => {
  it('serves HTTPS with --tls and prints how to trust the certificate', async () => {
    const { url, lines } = await startCli('--tls')
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const certFile = /NODE_EXTRA_CA_CERTS=(\S+)/.exec(lines.join('\n'))?.[1]
    expect(certFile).toBeDefined()
    const agent = new Agent({ connect: { ca: readFileSync(certFile!, 'utf8') } })
    try {
      const res = await request(`${url}/services/data`, { dispatcher: agent })
      expect(res.statusCode).toBe(200)
      await res.body.dump()
    } finally {
      await agent.close()
    }
  })

  it('prints the admin token when the admin API needs it, and the token opens it', async () => {
    const { url, lines } = await startCli('--require-admin-token')
    const token = /^admin API token \(X-Emulator-Admin-Token\): (\S+)$/m.exec(lines.join('\n'))?.[1]
    expect(token).toBeDefined()
    expect((await fetch(`${url}/__emulator/stats`)).status).toBe(403)
    const res = await fetch(`${url}/__emulator/stats`, {
      headers: { 'x-emulator-admin-token': token! },
    })
    expect(res.status).toBe(200)
  })

  it('blocks the password flow when asked', async () => {
    const { url, lines } = await startCli('--block-password-flow')
    expect(lines.join('\n')).toContain('"blockPasswordFlow":true')
    const res = await passwordLogin(url)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'authentication failure',
    })
  })

  it('fails writes with UNABLE_TO_LOCK_ROW at the given rate and starts with the limit spent', async () => {
    const { url } = await startCli('--fail', 'unableToLockRow=1', '--seed', '7')
    const token = ((await (await passwordLogin(url)).json()) as { access_token: string })
      .access_token
    const res = await fetch(`${url}/services/data/v66.0/sobjects/Account/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ Name: 'Locked' }),
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { errorCode: string }[])[0]?.errorCode).toBe('UNABLE_TO_LOCK_ROW')
    child?.kill('SIGKILL')

    const spent = await startCli('--spend-daily-limit')
    const t2 = ((await (await passwordLogin(spent.url)).json()) as { access_token: string })
      .access_token
    const limited = await fetch(`${spent.url}/services/data/v66.0/limits`, {
      headers: { Authorization: `Bearer ${t2}` },
    })
    expect(limited.status).toBe(403)
    expect(((await limited.json()) as { errorCode: string }[])[0]?.errorCode).toBe(
      'REQUEST_LIMIT_EXCEEDED',
    )
  })

  it('processes Bulk ingest jobs at the given pace', async () => {
    const { url } = await startCli('--bulk-rows-per-second', '200')
    const token = ((await (await passwordLogin(url)).json()) as { access_token: string })
      .access_token
    const api = `${url}/services/data/v66.0/jobs/ingest`
    const auth = { Authorization: `Bearer ${token}` }
    const job = (await (
      await fetch(api, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ object: 'Account', operation: 'insert' }),
      })
    ).json()) as { id: string }
    const csv = ['Name', ...Array.from({ length: 400 }, (_, i) => `Paced ${i}`)].join('\n')
    await fetch(`${api}/${job.id}/batches`, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'text/csv' },
      body: csv,
    })
    await fetch(`${api}/${job.id}`, {
      method: 'PATCH',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ state: 'UploadComplete' }),
    })
    // 400 rows at 200 a second: about two seconds of InProgress, then complete.
    const states = new Set<string>()
    const until = Date.now() + 15_000
    for (;;) {
      const info = (await (await fetch(`${api}/${job.id}`, { headers: auth })).json()) as {
        state: string
        numberRecordsProcessed: number
      }
      states.add(info.state)
      if (info.state === 'JobComplete') {
        expect(info.numberRecordsProcessed).toBe(400)
        break
      }
      if (Date.now() > until) throw new Error(`job still ${info.state}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(states.has('InProgress')).toBe(true)
  })

  it('refuses a bad flag with a clear line', async () => {
    child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'forcebridge.js'), 'emulator', '--fail', 'meteor=0.5'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let err = ''
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    const code = await new Promise((r) => child!.once('exit', r))
    expect(code).toBe(1)
    expect(err).toContain('--fail meteor=0.5: the kind must be one of serverUnavailable')
  })
})
