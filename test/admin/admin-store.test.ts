import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/index.js'
import { storedRows } from '../store/fixtures/raw-database.js'
import { testDatabase } from '../fixtures/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-admin-store-'))
let store: Store

beforeAll(async () => {
  store = await openStore({ home: join(dir, 'home'), ...(await testDatabase(join(dir, 'home'))) })
})
afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('admin users', () => {
  it('keeps only a salted scrypt hash and accepts only the right password', async () => {
    await store.adminUsers.setPassword('Ελένη', 'correct horse battery')
    await store.adminUsers.setPassword('관리자', 'correct horse battery')
    const rows = (await storedRows(store.home, 'admin_users')) as { password_hash: string }[]
    expect(rows).toHaveLength(2)
    for (const r of rows) {
      expect(r.password_hash).toMatch(/^scrypt\$/)
      expect(r.password_hash).not.toContain('correct horse')
    }
    // Same password, different salts.
    expect(rows[0]?.password_hash).not.toBe(rows[1]?.password_hash)
    expect(await store.adminUsers.verify('Ελένη', 'correct horse battery')).toMatchObject({
      name: 'Ελένη',
    })
    expect(await store.adminUsers.verify('Ελένη', 'wrong horse battery')).toBeUndefined()
    expect(await store.adminUsers.verify('nobody', 'correct horse battery')).toBeUndefined()
  })

  it('refuses a short password', async () => {
    await expect(store.adminUsers.setPassword('x', 'short')).rejects.toMatchObject({
      code: 'INVALID_ADMIN_USER',
    })
  })

  it('changes the password of an existing user', async () => {
    await store.adminUsers.setPassword('ops', 'first-password')
    await store.adminUsers.setPassword('ops', 'second-password')
    expect(await store.adminUsers.verify('ops', 'first-password')).toBeUndefined()
    expect(await store.adminUsers.verify('ops', 'second-password')).toBeDefined()
  })
})

describe('audit log', () => {
  it('lists entries newest first with their details', async () => {
    await store.audit.record({ actor: 'ops', action: 'connection.create', target: 'Ηλιος' })
    await store.audit.record({
      actor: 'ops',
      action: 'connection.update',
      target: 'Ηλιος',
      detail: { fields: ['loginUrl'] },
    })
    const [latest, earlier] = await store.audit.list({ limit: 2 })
    expect(latest).toMatchObject({
      action: 'connection.update',
      target: 'Ηλιος',
      detail: { fields: ['loginUrl'] },
    })
    expect(earlier).toMatchObject({ action: 'connection.create', detail: null })
    expect(await store.audit.list({ action: 'connection.create' })).toHaveLength(1)
  })
})
