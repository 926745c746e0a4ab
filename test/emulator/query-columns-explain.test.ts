// `/query?q=...&columns=true` (column metadata, as command-line tools read it to print tables)
// and `/query?explain=...` (query plans), over HTTP against the emulator.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { apiClient, passwordLogin } from './login-helper.js'

let emu: EmulatorHandle
let api: ReturnType<typeof apiClient>

const q = (soql: string) => encodeURIComponent(soql)

beforeAll(async () => {
  emu = await startEmulator()
  api = apiClient(emu.url, (await passwordLogin(emu.url)).access_token)
  for (let i = 0; i < 20; i++) {
    const res = await api('POST', '/sobjects/Account', {
      Name: `Plan ${i}`,
      Industry: i % 2 === 0 ? 'Energy' : 'Banking',
      Description: 'x',
    })
    expect(res.status).toBe(201)
  }
})
afterAll(() => emu.close())

const column = (overrides: Record<string, unknown>) => ({
  aggregate: false,
  apexType: null,
  booleanType: false,
  custom: false,
  foreignKeyName: null,
  insertable: false,
  joinColumns: [],
  numberType: false,
  textType: false,
  updatable: false,
  ...overrides,
})

describe('columns=true', () => {
  it('describes fields, a parent and a child subquery without running the query', async () => {
    const soql =
      'SELECT Id, Name, NumberOfEmployees, Owner.Name, Owner.Email, (SELECT LastName FROM Contacts) FROM Account'
    const res = await api('GET', `/query?q=${q(soql)}&columns=true`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      columnMetadata: [
        column({ apexType: 'Id', columnName: 'Id', displayName: 'Id' }),
        column({
          apexType: 'String',
          columnName: 'Name',
          displayName: 'Name',
          insertable: true,
          textType: true,
          updatable: true,
        }),
        column({
          apexType: 'Integer',
          columnName: 'NumberOfEmployees',
          displayName: 'NumberOfEmployees',
          insertable: true,
          numberType: true,
          updatable: true,
        }),
        column({
          columnName: 'Owner',
          displayName: 'Owner',
          foreignKeyName: 'OwnerId',
          joinColumns: [
            expect.objectContaining({ columnName: 'Name', apexType: 'String', textType: true }),
            expect.objectContaining({ columnName: 'Email', apexType: 'String', textType: true }),
          ],
        }),
        column({
          aggregate: true,
          columnName: 'Contacts',
          displayName: 'Contacts',
          joinColumns: [
            column({
              apexType: 'String',
              columnName: 'LastName',
              displayName: 'LastName',
              insertable: true,
              textType: true,
              updatable: true,
            }),
          ],
        }),
      ],
      entityName: 'Account',
      groupBy: false,
      idSelected: true,
      keyPrefix: '001',
    })
    // Keys come in Salesforce's alphabetical order, as tools print them.
    const first = (res.body as { columnMetadata: object[] }).columnMetadata[0]!
    expect(Object.keys(first)).toEqual([...Object.keys(first)].sort())
  })

  it('names aggregates exprN or by alias, and says the query groups', async () => {
    const soql = 'SELECT Industry, COUNT(Id), MAX(Name) top FROM Account GROUP BY Industry'
    const res = await api('GET', `/queryAll?q=${q(soql)}&columns=true`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      groupBy: true,
      idSelected: false,
      columnMetadata: [
        { columnName: 'Industry', aggregate: false, apexType: 'String' },
        {
          columnName: 'expr0',
          displayName: 'COUNT(Id)',
          aggregate: true,
          apexType: null,
          numberType: true,
        },
        { columnName: 'top', displayName: 'top', aggregate: true, textType: true },
      ],
    })
  })

  it('refuses an unknown field as a query would', async () => {
    const res = await api('GET', `/query?q=${q('SELECT Bogus__c FROM Account')}&columns=true`)
    expect(res.status).toBe(400)
    expect((res.body as { errorCode: string }[])[0]!.errorCode).toBe('INVALID_FIELD')
  })
})

describe('explain=', () => {
  interface Plans {
    plans: {
      cardinality: number
      fields: string[]
      leadingOperationType: string
      notes: { description: string; fields: string[]; tableEnumOrId: string }[]
      relativeCost: number
      sobjectCardinality: number
      sobjectType: string
    }[]
  }

  it('answers an index plan for an indexed filter before the table scan, with notes', async () => {
    const soql = "SELECT Id FROM Account WHERE Name = 'Plan 3' AND Industry = 'Banking'"
    const res = await api('GET', `/query?explain=${q(soql)}`)
    expect(res.status).toBe(200)
    const { plans } = res.body as Plans
    const total = [...emu.org.rows('Account')].filter((r) => !r.IsDeleted).length
    const note = {
      description: 'Not considering filter for optimization because unindexed',
      fields: ['Industry'],
      tableEnumOrId: 'Account',
    }
    expect(plans).toEqual([
      {
        cardinality: 1,
        fields: ['Name'],
        leadingOperationType: 'Index',
        notes: [note],
        relativeCost: Math.round((1 / (0.3 * total)) * 1e6) / 1e6,
        sobjectCardinality: total,
        sobjectType: 'Account',
      },
      {
        cardinality: 1,
        fields: [],
        leadingOperationType: 'TableScan',
        notes: [note],
        relativeCost: 1,
        sobjectCardinality: total,
        sobjectType: 'Account',
      },
    ])
  })

  it('counts what each plan would select', async () => {
    const soql = "SELECT Id FROM Account WHERE Industry = 'Energy'"
    const { plans } = (await api('GET', `/query/?explain=${q(soql)}`)).body as Plans
    expect(plans).toHaveLength(1)
    expect(plans[0]).toMatchObject({ leadingOperationType: 'TableScan', cardinality: 10 })
  })

  it('answers MALFORMED_QUERY for bad SOQL and INVALID_ID for a report id', async () => {
    const bad = await api('GET', `/query?explain=${q('SELECT FROM')}`)
    expect(bad.status).toBe(400)
    expect((bad.body as { errorCode: string }[])[0]!.errorCode).toBe('MALFORMED_QUERY')
    const id = await api('GET', '/query?explain=00O000000000001AAA')
    expect(id.status).toBe(400)
    expect((id.body as { errorCode: string }[])[0]!.errorCode).toBe('INVALID_ID')
  })
})
