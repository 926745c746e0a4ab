import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startEmulator } from '../../src/emulator/index.js'
import { apiClient, passwordLogin } from './login-helper.js'

const dataDir = mkdtempSync(join(tmpdir(), 'fb-emu-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('persistence with a data dir', () => {
  it('keeps records, ids, the org id and the user id across a restart', async () => {
    const first = await startEmulator({ dataDir })
    const login1 = await passwordLogin(first.url)
    const api1 = apiClient(first.url, login1.access_token)
    const { id } = (await api1('POST', '/sobjects/Campaign', { Name: 'Kept', Segment__c: 'SMB' }))
      .body as { id: string }
    const { id: gone } = (await api1('POST', '/sobjects/Campaign', { Name: 'Deleted' })).body as {
      id: string
    }
    await api1('DELETE', `/sobjects/Campaign/${gone}`)
    const orgId = first.orgId
    await first.close()

    const second = await startEmulator({ dataDir })
    try {
      expect(second.orgId).toBe(orgId)
      const login2 = await passwordLogin(second.url)
      expect(login2.id.split('/').pop()).toBe(login1.id.split('/').pop())
      const api2 = apiClient(second.url, login2.access_token)
      expect(
        (await api2('GET', `/sobjects/Campaign/${id}?fields=Name,Segment__c`)).body,
      ).toMatchObject({ Name: 'Kept', Segment__c: 'SMB' })
      expect((await api2('GET', `/sobjects/Campaign/${gone}`)).status).toBe(404)
      const { id: next } = (await api2('POST', '/sobjects/Campaign', { Name: 'New' })).body as {
        id: string
      }
      expect(next > gone).toBe(true)
    } finally {
      await second.close()
    }
  })

  it('rolls back every write of a failed transaction, in memory and on disk', async () => {
    const emu = await startEmulator({ dataDir })
    const userId = (await passwordLogin(emu.url)).id.split('/').pop()!
    const before = [...emu.org.rows('Account')].length
    expect(() =>
      emu.org.transaction(() => {
        emu.org.create('Account', { Name: 'one' }, { userId })
        emu.org.create('Account', {}, { userId })
      }),
    ).toThrow(/Required fields are missing/)
    expect([...emu.org.rows('Account')]).toHaveLength(before)
    await emu.close()
    const again = await startEmulator({ dataDir })
    expect([...again.org.rows('Account')]).toHaveLength(before)
    await again.close()
  })
})

describe('data dir permissions', () => {
  it('makes the folder 0700 and the database and its WAL files 0600', async () => {
    const folder = join(dataDir, 'private', 'org')
    const emu = await startEmulator({ dataDir: folder })
    try {
      const user = [...emu.org.rows('User')][0]!.Id
      emu.org.create('Account', { Name: 'Kept private' }, { userId: user })
      expect(statSync(folder).mode & 0o777).toBe(0o700)
      expect(statSync(join(dataDir, 'private')).mode & 0o777).toBe(0o700)
      const files = readdirSync(folder).filter((f) => f.startsWith('org.sqlite'))
      expect(files).toEqual(expect.arrayContaining(['org.sqlite', 'org.sqlite-wal']))
      for (const f of files) expect(statSync(join(folder, f)).mode & 0o777).toBe(0o600)
    } finally {
      await emu.close()
    }
  })

  it('narrows an existing world-readable database file to 0600', async () => {
    const folder = join(dataDir, 'older')
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'org.sqlite'), '')
    chmodSync(join(folder, 'org.sqlite'), 0o644)
    const emu = await startEmulator({ dataDir: folder })
    await emu.close()
    expect(statSync(join(folder, 'org.sqlite')).mode & 0o777).toBe(0o600)
  })
})
