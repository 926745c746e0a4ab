// The standard objects as Salesforce has them: each one described, listed and queried over
// HTTP; Account's full field list, compound addresses, picklists and relationships; a Bulk
// API 2.0 upload of an Account export as Data Loader writes it; the seeded Organization,
// profiles and price book; the org file's custom fields and record types on standard objects.

import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { defaultOrg } from '../../src/emulator/org/default-org.js'
import { apiClient, passwordLogin } from './login-helper.js'

const STANDARD = [
  'Account',
  'Contact',
  'Lead',
  'Opportunity',
  'OpportunityLineItem',
  'Case',
  'Campaign',
  'CampaignMember',
  'Task',
  'Event',
  'User',
  'Organization',
  'Product2',
  'Pricebook2',
  'PricebookEntry',
  'Contract',
  'Order',
  'OrderItem',
  'Asset',
  'ContentVersion',
  'ContentDocument',
  'ContentDocumentLink',
  'RecordType',
  'Profile',
  'UserRole',
]

interface FieldInfo {
  name: string
  type: string
  length: number
  createable: boolean
  nillable: boolean
  compoundFieldName: string | null
  relationshipName: string | null
  referenceTo: string[]
  picklistValues: { value: string; defaultValue: boolean }[]
}
interface Describe {
  name: string
  keyPrefix: string
  createable: boolean
  fields: FieldInfo[]
  childRelationships: { relationshipName: string; childSObject: string; field: string }[]
  recordTypeInfos: {
    developerName: string
    recordTypeId: string
    defaultRecordTypeMapping: boolean
    master: boolean
  }[]
}

let emu: EmulatorHandle
let api: ReturnType<typeof apiClient>

beforeAll(async () => {
  emu = await startEmulator({
    org: {
      ...defaultOrg,
      objects: [
        ...(defaultOrg.objects ?? []),
        {
          name: 'Account',
          fields: [{ name: 'Tier__c', type: 'picklist', values: ['Gold', 'Silver'] }],
          recordTypes: [
            { developerName: 'Enterprise', label: 'Enterprise Account' },
            { developerName: 'Partner', default: true },
          ],
        },
      ],
    },
  })
  api = apiClient(emu.url, (await passwordLogin(emu.url)).access_token, '62.0')
})
afterAll(() => emu.close())

const describeOf = async (name: string) => {
  const res = await api('GET', `/sobjects/${name}/describe`)
  expect(res.status, name).toBe(200)
  return res.body as Describe
}
const query = async (soql: string) => {
  const res = await api('GET', `/query?q=${encodeURIComponent(soql)}`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body as { totalSize: number; records: Record<string, unknown>[] }
}

describe('standard objects', () => {
  it('lists every standard object in describeGlobal', async () => {
    const res = await api('GET', '/sobjects')
    const names = (res.body as { sobjects: { name: string }[] }).sobjects.map((s) => s.name)
    expect(names).toEqual(expect.arrayContaining(STANDARD))
  })

  it.each(STANDARD)('describes, lists and queries %s with every queryable field', async (name) => {
    const d = await describeOf(name)
    expect(d.name).toBe(name)
    expect(d.keyPrefix).toMatch(/^[0-9A-Za-z]{3}$/)
    expect((await api('GET', `/sobjects/${name}`)).status).toBe(200)
    // SOQL selects compound fields too; only the binary VersionData is left to its own URL.
    const fields = d.fields.map((f) => f.name)
    const result = await query(`SELECT ${fields.join(', ')} FROM ${name} LIMIT 5`)
    expect(result.totalSize).toBeGreaterThanOrEqual(0)
  })

  it('gives Account its standard fields with their types and lengths', async () => {
    const d = await describeOf('Account')
    const by = new Map(d.fields.map((f) => [f.name, f]))
    const expected: [string, string, number][] = [
      ['Sic', 'string', 20],
      ['SicDesc', 'string', 80],
      ['Ownership', 'picklist', 255],
      ['TickerSymbol', 'string', 20],
      ['Rating', 'picklist', 255],
      ['Site', 'string', 80],
      ['AccountSource', 'picklist', 255],
      ['LastActivityDate', 'date', 0],
      ['NaicsCode', 'string', 8],
      ['DunsNumber', 'string', 9],
      ['YearStarted', 'string', 4],
      ['Tradestyle', 'string', 255],
      ['BillingAddress', 'address', 0],
      ['ShippingGeocodeAccuracy', 'picklist', 255],
      ['Tier__c', 'picklist', 255],
      ['RecordTypeId', 'reference', 18],
    ]
    for (const [name, type, length] of expected) {
      expect(by.get(name), name).toMatchObject({ type, length })
    }
    expect(by.get('BillingCity')?.compoundFieldName).toBe('BillingAddress')
    expect(by.get('BillingAddress')?.createable).toBe(false)
    expect(by.get('Ownership')?.picklistValues.map((p) => p.value)).toEqual([
      'Public',
      'Private',
      'Subsidiary',
      'Other',
    ])
    expect(by.get('ParentId')).toMatchObject({
      relationshipName: 'Parent',
      referenceTo: ['Account'],
    })
    const children = new Map(d.childRelationships.map((r) => [r.relationshipName, r]))
    for (const rel of ['ChildAccounts', 'Contacts', 'Opportunities', 'Cases', 'Tasks', 'Events'])
      expect(children.has(rel), rel).toBe(true)
    expect(children.get('Tasks')).toMatchObject({ childSObject: 'Task', field: 'WhatId' })
  })

  it('relates line items, price books and files as Salesforce names them', async () => {
    const opp = await describeOf('Opportunity')
    expect(opp.childRelationships).toContainEqual(
      expect.objectContaining({
        relationshipName: 'OpportunityLineItems',
        childSObject: 'OpportunityLineItem',
      }),
    )
    const task = await describeOf('Task')
    const what = task.fields.find((f) => f.name === 'WhatId')!
    expect(what.relationshipName).toBe('What')
    expect(what.referenceTo).toEqual(expect.arrayContaining(['Account', 'Opportunity', 'Case']))
    const cv = await describeOf('ContentVersion')
    expect(cv.fields.find((f) => f.name === 'VersionData')?.type).toBe('base64')
    expect((await describeOf('ContentDocument')).createable).toBe(false)
  })

  it('seeds the Organization row, the standard profiles and the standard price book', async () => {
    const org = await query('SELECT Id, Name, OrganizationType, IsSandbox FROM Organization')
    expect(org.records).toEqual([
      expect.objectContaining({
        Id: emu.orgId,
        OrganizationType: 'Developer Edition',
        IsSandbox: false,
      }),
    ])
    const users = await query('SELECT Username, Profile.Name FROM User')
    expect(users.records[0]).toMatchObject({ Profile: { Name: 'System Administrator' } })
    const books = await query('SELECT Name FROM Pricebook2 WHERE IsStandard = true')
    expect(books.records.map((r) => r.Name)).toEqual(['Standard Price Book'])
  })

  it('builds compound addresses and auto-numbers on save', async () => {
    const acc = await api('POST', '/sobjects/Account', {
      Name: 'Compound Co',
      BillingCity: 'Paris',
      BillingCountry: 'France',
    })
    const id = (acc.body as { id: string }).id
    const got = (await api('GET', `/sobjects/Account/${id}`)).body as Record<string, unknown>
    expect(got.BillingAddress).toEqual({
      city: 'Paris',
      country: 'France',
      countryCode: null,
      geocodeAccuracy: null,
      latitude: null,
      longitude: null,
      postalCode: null,
      state: null,
      stateCode: null,
      street: null,
    })
    expect(got.ShippingAddress).toBeNull()
    expect((await api('POST', '/sobjects/Account', { Name: 'x', BillingAddress: {} })).status).toBe(
      400,
    )
    const contract = await api('POST', '/sobjects/Contract', {
      AccountId: id,
      StartDate: '2026-01-01',
    })
    expect(contract.status).toBe(201)
    const c = await query(`SELECT ContractNumber, Status FROM Contract WHERE AccountId = '${id}'`)
    expect(c.records[0]?.Status).toBe('Draft')
    expect(c.records[0]?.ContractNumber).toMatch(/^\d{8}$/)
  })

  it('declares the org file record types on the object and as RecordType rows', async () => {
    const d = await describeOf('Account')
    const infos = new Map(d.recordTypeInfos.map((r) => [r.developerName, r]))
    expect([...infos.keys()]).toEqual(['Enterprise', 'Partner', 'Master'])
    expect(infos.get('Partner')?.defaultRecordTypeMapping).toBe(true)
    expect(infos.get('Master')?.master).toBe(true)
    const rts = await query(
      "SELECT Id, Name, DeveloperName FROM RecordType WHERE SobjectType = 'Account'",
    )
    expect(rts.records.map((r) => r.Name).sort()).toEqual(['Enterprise Account', 'Partner'])
    const enterprise = infos.get('Enterprise')!.recordTypeId
    const acc = await api('POST', '/sobjects/Account', {
      Name: 'Typed',
      RecordTypeId: enterprise,
      Tier__c: 'Gold',
    })
    expect(acc.status).toBe(201)
    const back = await query(
      `SELECT RecordType.DeveloperName, Tier__c FROM Account WHERE Id = '${(acc.body as { id: string }).id}'`,
    )
    expect(back.records[0]).toMatchObject({
      RecordType: { DeveloperName: 'Enterprise' },
      Tier__c: 'Gold',
    })
  })
})

describe('a Bulk API 2.0 upload of an Account export', () => {
  it('inserts every row of a Data Loader export with every writable standard field', async () => {
    const csv = readFileSync(new URL('./fixtures/account-export.csv', import.meta.url), 'utf8')
    const job = await api('POST', '/jobs/ingest', {
      object: 'Account',
      operation: 'insert',
      lineEnding: 'LF',
    })
    expect(job.status).toBe(200)
    const id = (job.body as { id: string }).id
    const put = await api('PUT', `/jobs/ingest/${id}/batches`, csv, { 'content-type': 'text/csv' })
    expect(put.status).toBe(201)
    await api('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })
    let info: Record<string, unknown> = {}
    for (let i = 0; i < 500; i++) {
      info = (await api('GET', `/jobs/ingest/${id}`)).body as Record<string, unknown>
      if (['JobComplete', 'Failed'].includes(String(info.state))) break
      await new Promise((r) => setTimeout(r, 10))
    }
    const failed = await api('GET', `/jobs/ingest/${id}/failedResults`)
    expect(failed.body).toBe(
      '"sf__Id","sf__Error","NAME","TYPE","BILLINGSTREET","BILLINGCITY","BILLINGSTATE","BILLINGPOSTALCODE","BILLINGCOUNTRY","BILLINGLATITUDE","BILLINGLONGITUDE","BILLINGGEOCODEACCURACY","SHIPPINGSTREET","SHIPPINGCITY","SHIPPINGSTATE","SHIPPINGPOSTALCODE","SHIPPINGCOUNTRY","SHIPPINGLATITUDE","SHIPPINGLONGITUDE","SHIPPINGGEOCODEACCURACY","PHONE","FAX","ACCOUNTNUMBER","WEBSITE","SIC","INDUSTRY","ANNUALREVENUE","NUMBEROFEMPLOYEES","OWNERSHIP","TICKERSYMBOL","DESCRIPTION","RATING","SITE","JIGSAW","CLEANSTATUS","ACCOUNTSOURCE","DUNSNUMBER","TRADESTYLE","NAICSCODE","NAICSDESC","YEARSTARTED","SICDESC"\n',
    )
    expect(info).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 3,
      numberRecordsFailed: 0,
    })
    const rows = await query(
      "SELECT Name, Sic, SicDesc, Ownership, TickerSymbol, Rating, AnnualRevenue, BillingAddress FROM Account WHERE Sic = '6576'",
    )
    expect(rows.records[0]).toMatchObject({
      Name: 'Edge Communications',
      SicDesc: 'Telephone and telegraph apparatus',
      Ownership: 'Public',
      TickerSymbol: 'EDGE',
      Rating: 'Hot',
      AnnualRevenue: 139000000,
    })
    expect(rows.records[0]?.BillingAddress).toMatchObject({
      city: 'Austin',
      latitude: 30.2672,
      geocodeAccuracy: 'Address',
    })
    expect(rows.records[0]?.BillingAddress).toMatchObject({
      city: 'Austin',
      latitude: 30.2672,
      geocodeAccuracy: 'Address',
    })
  })
})
