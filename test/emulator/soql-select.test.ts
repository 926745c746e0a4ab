// SOQL engine: SELECT lists, parent fields, child subqueries, FIELDS(), queryAll.
import { describe, expect, it } from 'vitest'
import { runQuery } from '../../src/emulator/soql/index.js'
import { ACME, GLOBEX, NOW, sampleOrg, USER1 } from './fixtures/soql-org.js'

const org = sampleOrg()
const run = (soql: string, includeDeleted = false) =>
  runQuery(org, soql, { includeDeleted, apiVersion: '61.0', now: NOW })
type Rec = Record<string, unknown>
const recs = (soql: string) => run(soql).records as Rec[]

describe('SOQL select lists', () => {
  it('returns attributes first, then fields in SELECT order with canonical names', () => {
    const [acme] = recs("SELECT name, INDUSTRY, id FROM account WHERE Name = 'Acme'")
    expect(acme).toEqual({
      attributes: { type: 'Account', url: `/services/data/v61.0/sobjects/Account/${ACME}` },
      Name: 'Acme',
      Industry: 'Technology',
      Id: ACME,
    })
    expect(Object.keys(acme ?? {})).toEqual(['attributes', 'Name', 'Industry', 'Id'])
  })

  it('includes null fields as null', () => {
    const [umbrella] = recs("SELECT Industry, Description FROM Account WHERE Name = 'Umbrella'")
    expect(umbrella).toMatchObject({ Industry: null, Description: null })
  })

  it('nests parent fields and merges several fields of one parent', () => {
    const [jane] = recs(
      "SELECT Name, Account.Name, Account.Industry, Account.Owner.Name FROM Contact WHERE Name = 'Jane Doe'",
    )
    expect(jane?.Account).toEqual({
      attributes: { type: 'Account', url: `/services/data/v61.0/sobjects/Account/${ACME}` },
      Name: 'Acme',
      Industry: 'Technology',
      Owner: {
        attributes: { type: 'User', url: `/services/data/v61.0/sobjects/User/${USER1}` },
        Name: 'Ada Admin',
      },
    })
  })

  it('answers null for a parent that is not set', () => {
    const [lone] = recs("SELECT Name, Account.Name FROM Contact WHERE LastName = 'Wolf'")
    expect(lone).toMatchObject({ Name: 'Lone Wolf', Account: null })
  })

  it('follows custom relationships with __r', () => {
    const rows = recs("SELECT Name, Account__r.Name FROM Invoice__c WHERE Name = 'INV-003'")
    expect(rows[0]?.Account__r).toMatchObject({ Name: 'Globex' })
  })

  it('returns child subqueries as nested query results, or null without children', () => {
    const rows = recs(
      'SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName DESC) FROM Account ORDER BY Name',
    )
    const byName = new Map(rows.map((r) => [r.Name, r]))
    const contacts = byName.get('Acme')?.Contacts as {
      totalSize: number
      done: boolean
      records: Rec[]
    }
    expect(contacts.totalSize).toBe(2)
    expect(contacts.done).toBe(true)
    expect(contacts.records.map((r) => r.LastName)).toEqual(["O'Brien", 'Doe'])
    expect(contacts.records[0]?.attributes).toEqual({
      type: 'Contact',
      url: '/services/data/v61.0/sobjects/Contact/003000000000002AAA',
    })
    expect(byName.get('Initech')?.Contacts).toBeNull()
  })

  it('filters, limits and reaches parents inside a child subquery', () => {
    const [acme] = recs(
      "SELECT Id, (SELECT Name, Account.Name FROM Opportunities WHERE Amount > 1000 ORDER BY Amount LIMIT 1) FROM Account WHERE Id = '" +
        ACME +
        "'",
    )
    const opps = acme?.Opportunities as { totalSize: number; records: Rec[] }
    expect(opps.totalSize).toBe(1)
    expect(opps.records[0]).toMatchObject({ Name: 'Acme Renewal', Account: { Name: 'Acme' } })
  })

  it('expands FIELDS(STANDARD) and FIELDS(CUSTOM)', () => {
    const [custom] = recs("SELECT FIELDS(CUSTOM) FROM Account WHERE Name = 'Acme' LIMIT 200")
    expect(Object.keys(custom ?? {})).toEqual(['attributes', 'Tier__c'])
    const [standard] = recs("SELECT FIELDS(STANDARD) FROM Account WHERE Name = 'Acme'")
    expect(Object.keys(standard ?? {})).toContain('AnnualRevenue')
    expect(Object.keys(standard ?? {})).not.toContain('Tier__c')
  })

  it('hides deleted rows from query and shows them to queryAll', () => {
    expect(run('SELECT Id FROM Account').totalSize).toBe(4)
    const all = runQuery(org, "SELECT Name, IsDeleted FROM Account WHERE Name = 'Old Corp'", {
      includeDeleted: true,
      apiVersion: '61.0',
      now: NOW,
    })
    expect(all.records).toHaveLength(1)
    expect(all.records[0]).toMatchObject({ Name: 'Old Corp', IsDeleted: true })
    const [acme] = recs(`SELECT (SELECT Name FROM Contacts) FROM Account WHERE Id = '${ACME}'`)
    expect((acme?.Contacts as { totalSize: number }).totalSize).toBe(2)
  })

  it('accepts an object alias in field paths', () => {
    const rows = recs(
      "SELECT c.Name, c.Account.Name FROM Contact c WHERE c.Email = 'sam@globex.com'",
    )
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ Name: 'Sam Spade', Account: { Name: 'Globex' } })
  })

  it('reports totalSize as the number of records returned', () => {
    const res = run(`SELECT Id FROM Opportunity WHERE AccountId = '${GLOBEX}'`)
    expect(res.totalSize).toBe(1)
    expect(res.records).toHaveLength(1)
  })

  it('requires a LIMIT of at most 200 with FIELDS(ALL) and FIELDS(CUSTOM)', () => {
    expect(() => run('SELECT FIELDS(ALL) FROM Account')).toThrow(
      /FIELDS function must have a LIMIT of at most 200/,
    )
    expect(run('SELECT FIELDS(ALL) FROM Account LIMIT 200').totalSize).toBe(4)
  })

  it('answers picklist labels for toLabel()', () => {
    const rows = recs(
      "SELECT Name, toLabel(Industry) FROM Account WHERE Name IN ('Acme', 'Umbrella') ORDER BY Name",
    )
    expect(rows.map((r) => [r.Name, r.Industry])).toEqual([
      ['Acme', 'High Tech'],
      ['Umbrella', null],
    ])
  })

  it('nests child subqueries inside child subqueries', () => {
    const [user] = recs(
      "SELECT Name, (SELECT Name, (SELECT LastName FROM Contacts) FROM Accounts__r WHERE Name = 'Acme') FROM User WHERE Name = 'Ada Admin'",
    )
    const accounts = user?.Accounts__r as { records: Rec[] }
    const contacts = accounts.records[0]?.Contacts as { totalSize: number }
    expect(contacts.totalSize).toBe(2)
  })
})
