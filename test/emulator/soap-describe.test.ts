// The SOAP partner API's describe calls through jsforce's own SOAP client and its partner
// schema (which types each member): describeSObjects, describeSObject and describeGlobal answer
// the org's objects and fields as the REST describe does, in SOAP shape; an unknown type faults.

import jsforce from 'jsforce'
import { ApiSchemas } from 'jsforce/lib/api/soap/schema.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { DEMO } from './login-helper.js'

interface SoapField {
  name: string
  type: string
  length: number
  label: string
  nillable: boolean
  createable: boolean
  updateable: boolean
  referenceTo?: string[]
  picklistValues?: { value: string; label: string; active: boolean }[]
}
interface SoapDescribe {
  name: string
  label: string
  keyPrefix: string
  createable: boolean
  deletable: boolean
  urlDetail: string
  fields: SoapField[]
  childRelationships: { childSObject: string; field: string }[]
}

let emu: EmulatorHandle
let conn: jsforce.Connection

beforeAll(async () => {
  emu = await startEmulator()
  conn = new jsforce.Connection({ loginUrl: emu.url, version: '62.0' })
  // jsforce logs in over SOAP when it has no connected app.
  await conn.login(DEMO.username, DEMO.password + DEMO.securityToken)
})
afterAll(() => emu.close())

const describeSObjects = async (types: string[]) =>
  (await conn.soap._invoke('describeSObjects', { sObjectType: types }, [
    ApiSchemas.DescribeSObjectResult,
  ])) as SoapDescribe[]

describe('SOAP describe calls', () => {
  it('describeSObjects answers each type asked, with typed fields as REST describes them', async () => {
    const [account, invoice] = await describeSObjects(['Account', 'invoice__c'])
    expect(account).toMatchObject({ name: 'Account', keyPrefix: '001', createable: true })
    expect(invoice!.name).toBe('Invoice__c')
    expect(invoice!.urlDetail).toBe(`${emu.url}/{ID}`)
    const byName = new Map(invoice!.fields.map((f) => [f.name, f]))
    expect(byName.get('Number__c')).toMatchObject({
      type: 'string',
      length: 40,
      label: 'Invoice Number',
      nillable: true,
      createable: true,
      updateable: true,
    })
    expect(byName.get('Account__c')).toMatchObject({
      type: 'reference',
      referenceTo: ['Account'],
    })
    expect(byName.get('Status__c')?.picklistValues?.map((p) => p.value)).toEqual([
      'Draft',
      'Sent',
      'Paid',
    ])
    expect(byName.get('Id')).toMatchObject({ type: 'id', createable: false, updateable: false })
    expect(account!.childRelationships).toContainEqual(
      expect.objectContaining({ childSObject: 'Invoice__c', field: 'Account__c' }),
    )

    // The same fields, names and types as the REST describe.
    const rest = (await conn.sobject('Invoice__c').describe()) as unknown as {
      fields: SoapField[]
    }
    expect(invoice!.fields.map((f) => [f.name, f.type, f.length])).toEqual(
      rest.fields.map((f) => [f.name, f.type, f.length]),
    )
  })

  it('describeSObject (one type) and describeGlobal', async () => {
    const one = (await conn.soap._invoke(
      'describeSObject',
      { sObjectType: 'Organization' },
      ApiSchemas.DescribeSObjectResult,
    )) as SoapDescribe
    expect(one).toMatchObject({ name: 'Organization', createable: false, deletable: false })

    const global = (await conn.soap._invoke(
      'describeGlobal',
      {},
      ApiSchemas.DescribeGlobalResult,
    )) as { maxBatchSize: number; sobjects: { name: string; keyPrefix: string }[] }
    expect(global.maxBatchSize).toBe(200)
    const rest = await conn.describeGlobal()
    expect(global.sobjects.map((s) => s.name)).toEqual(rest.sobjects.map((s) => s.name))
    expect(global.sobjects).toContainEqual(
      expect.objectContaining({ name: 'Invoice__c', keyPrefix: 'a00' }),
    )
  })

  it('faults with INVALID_TYPE for an object the org does not have', async () => {
    await expect(describeSObjects(['Account', 'Nope__c'])).rejects.toMatchObject({
      name: 'sf:INVALID_TYPE',
      message: expect.stringContaining("sObject type 'Nope__c' is not supported") as unknown,
    })
  })
})
