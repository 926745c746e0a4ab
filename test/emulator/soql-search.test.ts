// SOSL engine: FIND ... IN ... FIELDS RETURNING ..., and /parameterizedSearch parameters.
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/emulator/model/index.js'
import { runParameterizedSearch, runSearch } from '../../src/emulator/soql/index.js'
import { ACME, sampleOrg } from './fixtures/soql-org.js'

const org = sampleOrg()
type Rec = Record<string, unknown> & { attributes: { type: string; url: string } }
const search = (sosl: string) => runSearch(org, sosl, { apiVersion: '61.0' }).searchRecords as Rec[]
const summary = (rows: Rec[]) => rows.map((r) => `${r.attributes.type}:${String(r.Name ?? r.Id)}`)
const param = (params: Record<string, string | string[]>) =>
  runParameterizedSearch(org, params, { apiVersion: '61.0' }).searchRecords as Rec[]
const failure = (fn: () => unknown): ApiError => {
  try {
    fn()
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('search did not fail')
}

describe('SOSL', () => {
  it('finds whole words case-insensitively and returns records with attributes, in RETURNING order', () => {
    const rows = search(
      'FIND {ACME} RETURNING Contact(Name), Account(Id, Name), Opportunity(Name ORDER BY Name)',
    )
    // The contacts match through their acme.com email addresses.
    expect(summary(rows)).toEqual([
      'Contact:Jane Doe',
      "Contact:John O'Brien",
      'Account:Acme',
      'Opportunity:Acme Big Deal',
      'Opportunity:Acme Renewal',
    ])
    expect(rows[2]).toEqual({
      attributes: { type: 'Account', url: `/services/data/v61.0/sobjects/Account/${ACME}` },
      Id: ACME,
      Name: 'Acme',
    })
  })

  it('matches words inside emails in ALL FIELDS but not in NAME FIELDS', () => {
    expect(
      summary(search('FIND {acme} IN ALL FIELDS RETURNING Contact(Name ORDER BY Name)')),
    ).toEqual(['Contact:Jane Doe', "Contact:John O'Brien"])
    expect(search('FIND {acme} IN NAME FIELDS RETURNING Contact(Name)')).toEqual([])
    expect(
      summary(search('FIND {sam@globex.com} IN EMAIL FIELDS RETURNING Contact(Name)')),
    ).toEqual(['Contact:Sam Spade'])
  })

  it('expands * and ? wildcards', () => {
    expect(summary(search('FIND {Glo*} RETURNING Account(Name)'))).toEqual(['Account:Globex'])
    expect(summary(search('FIND {Ac?e} RETURNING Account(Name)'))).toEqual(['Account:Acme'])
    expect(search('FIND {Glo} RETURNING Account(Name)')).toEqual([])
  })

  it('combines terms with AND, OR, AND NOT and quoted phrases', () => {
    expect(summary(search('FIND {acme renewal} RETURNING Opportunity(Name)'))).toEqual([
      'Opportunity:Acme Renewal',
    ])
    expect(
      summary(search('FIND {globex OR initech} RETURNING Account(Name ORDER BY Name)')),
    ).toEqual(['Account:Globex', 'Account:Initech'])
    expect(summary(search('FIND {acme AND NOT deal} RETURNING Opportunity(Name)'))).toEqual([
      'Opportunity:Acme Renewal',
    ])
    expect(summary(search('FIND {"big deal"} RETURNING Opportunity(Name)'))).toEqual([
      'Opportunity:Acme Big Deal',
    ])
    expect(summary(search('FIND {"company in springfield"} RETURNING Account(Name)'))).toEqual([
      'Account:Globex',
    ])
  })

  it('matches phone numbers by their digits in PHONE FIELDS', () => {
    expect(
      summary(search('FIND {4155550100} IN PHONE FIELDS RETURNING Account(Name), Contact(Name)')),
    ).toEqual(['Account:Acme'])
    expect(summary(search('FIND {415-555-0199} IN PHONE FIELDS RETURNING Contact(Name)'))).toEqual([
      'Contact:Lone Wolf',
    ])
  })

  it('applies WHERE and LIMIT per object and an overall LIMIT', () => {
    expect(
      summary(search("FIND {acme} RETURNING Opportunity(Name WHERE StageName = 'Prospecting')")),
    ).toEqual(['Opportunity:Acme Renewal'])
    expect(search('FIND {acme} RETURNING Opportunity(Name LIMIT 1)')).toHaveLength(1)
    expect(search('FIND {acme} RETURNING Account, Opportunity LIMIT 2')).toHaveLength(2)
  })

  it('returns Id only for objects named without fields, and searches every object without RETURNING', () => {
    expect(search('FIND {acme} RETURNING Account')).toEqual([
      {
        attributes: { type: 'Account', url: `/services/data/v61.0/sobjects/Account/${ACME}` },
        Id: ACME,
      },
    ])
    const types = new Set(search('FIND {acme}').map((r) => r.attributes.type))
    expect([...types].sort()).toEqual(['Account', 'Contact', 'Opportunity'])
  })

  it('reads and ignores WITH and UPDATE clauses', () => {
    const rows = search(
      "FIND {globex} IN ALL FIELDS RETURNING Account(Name) WITH SNIPPET(target_length=120) WITH METADATA='LABELS' UPDATE TRACKING",
    )
    expect(summary(rows)).toEqual(['Account:Globex'])
  })

  it('never returns deleted rows', () => {
    expect(search('FIND {gone} RETURNING Contact(Name)')).toEqual([])
  })

  it('refuses a malformed search and an unknown object', () => {
    expect(failure(() => search('FIND acme RETURNING Account')).errorCode).toBe('MALFORMED_SEARCH')
    expect(failure(() => search('FIND {acme} IN EVERY FIELDS')).errorCode).toBe('MALFORMED_SEARCH')
    expect(failure(() => search('FIND {} RETURNING Account')).errorCode).toBe('MALFORMED_SEARCH')
    expect(failure(() => search('FIND {acme} RETURNING Foo')).errorCode).toBe('INVALID_TYPE')
    expect(failure(() => search('FIND {acme} RETURNING Account(Nope)')).errorCode).toBe(
      'INVALID_FIELD',
    )
  })
})

describe('parameterized search', () => {
  it('takes q, sobject, <Obj>.fields and <Obj>.limit', () => {
    const rows = param({
      q: 'acme',
      sobject: ['Account', 'Opportunity'],
      'Account.fields': 'id,name',
      'opportunity.fields': 'Name,Amount',
      'Opportunity.limit': '1',
    })
    expect(rows).toHaveLength(2)
    expect(rows[0]).toEqual({
      attributes: { type: 'Account', url: `/services/data/v61.0/sobjects/Account/${ACME}` },
      Id: ACME,
      Name: 'Acme',
    })
    expect(Object.keys(rows[1] ?? {})).toEqual(['attributes', 'Name', 'Amount'])
  })

  it('honours in, fields, overallLimit and <Obj>.where', () => {
    expect(param({ q: 'acme', in: 'NAME', sobject: 'Contact' })).toEqual([])
    expect(param({ q: 'acme', fields: 'Name', overallLimit: '2' }).map((r) => r.Name)).toHaveLength(
      2,
    )
    const won = param({
      q: 'acme',
      sobject: 'Opportunity',
      'Opportunity.fields': 'Name',
      'Opportunity.where': 'IsWon = true',
    })
    expect(won.map((r) => r.Name)).toEqual(['Acme Big Deal'])
  })

  it('refuses a missing q and a bad limit', () => {
    expect(failure(() => param({ sobject: 'Account' })).errorCode).toBe('MALFORMED_SEARCH')
    expect(failure(() => param({ q: 'acme', overallLimit: 'lots' })).status).toBe(400)
  })
})
