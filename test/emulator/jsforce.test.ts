import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import jsforce from 'jsforce'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { DEMO } from './login-helper.js'

let emu: EmulatorHandle
beforeAll(async () => {
  emu = await startEmulator()
})
afterAll(() => emu.close())

describe('jsforce 3 against the emulator', () => {
  it('logs in through the REST token endpoint and does CRUD, upsert and a query', async () => {
    const conn = new jsforce.Connection({
      loginUrl: emu.url,
      version: '62.0',
      oauth2: { clientId: DEMO.clientId, clientSecret: DEMO.clientSecret, loginUrl: emu.url },
    })
    const info = await conn.login(DEMO.username, DEMO.password + DEMO.securityToken)
    expect(info.organizationId).toBe(emu.orgId)
    expect(conn.instanceUrl).toBe(emu.url)

    const created = await conn
      .sobject('Campaign')
      .create({ Name: 'From jsforce', Segment__c: 'Enterprise' })
    expect(created.success).toBe(true)
    const id = created.id!
    const got = await conn.sobject('Campaign').retrieve(id)
    expect(got).toMatchObject({ Id: id, Name: 'From jsforce', Segment__c: 'Enterprise' })
    expect((await conn.sobject('Campaign').update({ Id: id, Name: 'Renamed' })).success).toBe(true)

    const up = await conn
      .sobject('Invoice__c')
      .upsert({ Number__c: 'JS-1', Amount__c: 5 }, 'Number__c')
    expect(up.success).toBe(true)

    const result = await conn.query<{ Id: string; Name: string }>(
      "SELECT Id, Name FROM Campaign WHERE Name = 'Renamed'",
    )
    expect(result.totalSize).toBe(1)
    expect(result.records[0]!.Id).toBe(id)

    const described = await conn.sobject('Invoice__c').describe()
    expect(described.fields.map((f) => f.name)).toContain('Number__c')

    expect((await conn.sobject('Campaign').destroy(id)).success).toBe(true)
    await expect(conn.sobject('Campaign').retrieve(id)).rejects.toMatchObject({
      errorCode: 'ENTITY_IS_DELETED',
    })
  })

  it('follows nextRecordsUrl with autoFetch', async () => {
    const userId = [...emu.org.rows('User')][0]!.Id
    emu.org.transaction(() => {
      for (let i = 0; i < 2500; i++)
        emu.org.create('Lead', { LastName: `J${i}`, Company: 'Auto' }, { userId })
    })
    const conn = new jsforce.Connection({
      loginUrl: emu.url,
      version: '62.0',
      oauth2: { clientId: DEMO.clientId, clientSecret: DEMO.clientSecret, loginUrl: emu.url },
    })
    await conn.login(DEMO.username, DEMO.password + DEMO.securityToken)
    const records: unknown[] = []
    await new Promise<void>((resolve, reject) => {
      conn
        .query("SELECT Id FROM Lead WHERE Company = 'Auto'")
        .on('record', (r: unknown) => records.push(r))
        .on('end', () => resolve())
        .on('error', reject)
        .run({ autoFetch: true, maxFetch: 10000 })
    })
    expect(records).toHaveLength(2500)
  })
})
