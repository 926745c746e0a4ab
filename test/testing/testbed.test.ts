// forcebridge/testing against the seed's service: channels answer (with and without the key),
// invoke runs a service directly, the record is in the emulated org, and close frees it all.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineService, z } from '../../src/index.js'
import { startTestbed, type Testbed } from '../../src/testing/index.js'
import { hasCode } from '../../src/util/index.js'

const examples = resolve(import.meta.dirname, '../../examples/services')

/** True when something accepts TCP connections at `url`. */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((ok) => {
    const socket = connect(Number(port), hostname)
    socket.once('connect', () => {
      socket.destroy()
      ok(true)
    })
    socket.once('error', () => ok(false))
  })
}

describe('startTestbed', () => {
  let bed: Testbed

  beforeAll(async () => {
    bed = await startTestbed({
      services: [
        examples,
        defineService({
          name: 'greeting.say',
          input: z.object({ to: z.string() }),
          settings: z.object({ greeting: z.string() }),
          handle: ({ input, settings }) => ({ text: `${settings.greeting}, ${input.to}` }),
        }),
      ],
      channels: [
        { method: 'POST', path: '/api/campaigns', service: 'campaign.create' },
        { method: 'GET', path: '/greetings/:to', service: 'greeting.say', public: true },
      ],
      settings: { 'greeting.say': { greeting: 'Hello' } },
    })
  })
  afterAll(() => bed?.close())

  it('answers a secured channel with the key it carries, and 401 without it', async () => {
    const res = await bed.request('POST', '/api/campaigns', {
      json: { name: 'Testbed Launch', segment: 'SMB' },
    })
    expect(res.status).toBe(200)
    const { id } = (await res.json()) as { id: string }
    expect(id).toMatch(/^701/)

    const refused = await bed.request('POST', '/api/campaigns', {
      json: { name: 'No key', segment: 'SMB' },
      auth: false,
    })
    expect(refused.status).toBe(401)
  })

  it('leaves the record in the emulated org, where bed.salesforce finds it', async () => {
    const res = await bed.request('POST', '/api/campaigns', {
      json: { name: 'Found By SOQL', segment: 'Enterprise' },
    })
    const { id } = (await res.json()) as { id: string }
    const rows = await bed.salesforce
      .query<{ Id: string; Segment__c: string }>(
        "SELECT Id, Segment__c FROM Campaign WHERE Name = 'Found By SOQL'",
      )
      .collect({ max: 10 })
    expect(rows.map((r) => [r.Id.slice(0, 15), r.Segment__c])).toEqual([
      [id.slice(0, 15), 'Enterprise'],
    ])
  })

  it('opens a public channel to callers without a key, with the settings given', async () => {
    const res = await bed.request('GET', '/greetings/Ada', { auth: false })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ text: 'Hello, Ada' })
  })

  it('invokes a service directly and throws its typed error on bad input', async () => {
    const out = await bed.invoke<{ id: string }>('campaign.create', {
      name: 'Direct',
      segment: 'SMB',
    })
    expect(out.id).toMatch(/^701/)
    const err: unknown = await bed.invoke('campaign.create', { name: '' }).catch((e: unknown) => e)
    expect(hasCode(err, 'INVALID_INPUT')).toBe(true)
  })

  it('lets a test inject faults through bed.emulator', async () => {
    bed.emulator.faults.set({ errorRates: { serverUnavailable: 1 } })
    try {
      const res = await bed.request('POST', '/api/campaigns', {
        json: { name: 'Down', segment: 'SMB' },
      })
      expect(res.status).toBe(502)
    } finally {
      bed.emulator.faults.clear()
    }
  })
})

describe('startTestbed close', () => {
  it('frees both ports and removes the temporary home', async () => {
    const bed = await startTestbed({
      services: [join(examples, 'campaign-create.ts')],
      channels: [{ method: 'POST', path: '/api/campaigns', service: 'campaign.create' }],
    })
    expect(existsSync(bed.home)).toBe(true)
    expect(await listening(bed.url)).toBe(true)
    expect(await listening(bed.emulator.url)).toBe(true)
    await bed.close()
    expect(existsSync(bed.home)).toBe(false)
    expect(await listening(bed.url)).toBe(false)
    expect(await listening(bed.emulator.url)).toBe(false)
  })
})

describe('startTestbed refuses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fb-testbed-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a service file that does not load, naming the file', async () => {
    const broken = join(dir, 'broken.ts')
    writeFileSync(
      broken,
      "import { defineService } from 'forcebridge'\nexport default defineService(\n",
    )
    await expect(startTestbed({ services: [broken] })).rejects.toThrow(
      /service files did not load; fix them[\s\S]*broken\.ts/,
    )
  })

  it('a channel to a service that is not loaded', async () => {
    await expect(
      startTestbed({
        services: examples,
        channels: [{ method: 'POST', path: '/x', service: 'campaign.craete' }],
      }),
    ).rejects.toThrow(
      "names service 'campaign.craete', which is not loaded (loaded: campaign.create)",
    )
  })

  it('settings the service schema rejects', async () => {
    const service = defineService({
      name: 'needs.url',
      input: z.object({}),
      settings: z.object({ url: z.url() }),
      handle: () => ({}),
    })
    await expect(
      startTestbed({ services: [service], settings: { 'needs.url': { url: 'nope' } } }),
    ).rejects.toThrow(/settings of service 'needs.url' would not be valid: url/)
  })

  it('an org that gives a connection no way to log in', async () => {
    await expect(
      startTestbed({ services: examples, org: { users: [], connectedApps: [] } }),
    ).rejects.toThrow(/has no way for a connection to log in/)
  })

  it('a services path that is not there', async () => {
    await expect(startTestbed({ services: join(dir, 'nope') })).rejects.toThrow(
      /services '.*nope' is not there/,
    )
  })
})
