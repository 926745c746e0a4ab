// SOQL engine: ORDER BY, LIMIT/OFFSET, COUNT() and aggregate functions with GROUP BY/HAVING.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ResultStore } from '../../src/emulator/data/result-store.js'
import { ApiError } from '../../src/emulator/model/index.js'
import { runQuery } from '../../src/emulator/soql/index.js'
import { NOW, sampleOrg } from './fixtures/soql-org.js'

const org = sampleOrg()
type Rec = Record<string, unknown>
/** Set while ORDER BY runs through the result store (on disk) rather than the heap. */
let sortStore: ResultStore | undefined
const run = (soql: string) =>
  runQuery(org, soql, { includeDeleted: false, apiVersion: '61.0', now: NOW, sortStore })
const recs = (soql: string) => run(soql).records as Rec[]
const column = (soql: string, key: string) => recs(soql).map((r) => r[key])
const failure = (soql: string): ApiError => {
  try {
    run(soql)
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error(`query did not fail: ${soql}`)
}

// The same answers whether the selection is sorted in the heap or, as a large ORDER BY is,
// in the result store (any ORDER BY without a small LIMIT goes there when one is given).
describe.each([
  ['in the heap', false],
  ['in the result store', true],
])('SOQL ORDER BY, LIMIT and OFFSET, sorted %s', (_, onDisk) => {
  beforeAll(() => {
    if (onDisk) sortStore = new ResultStore()
  })
  afterAll(() => {
    sortStore?.close()
    sortStore = undefined
  })

  it('puts nulls first ascending and last descending by default', () => {
    expect(column('SELECT Name FROM Account ORDER BY AnnualRevenue', 'Name')).toEqual([
      'Initech',
      'Umbrella',
      'Globex',
      'Acme',
    ])
    expect(column('SELECT Name FROM Account ORDER BY AnnualRevenue DESC', 'Name')).toEqual([
      'Acme',
      'Globex',
      'Umbrella',
      'Initech',
    ])
  })

  it('honours NULLS FIRST and NULLS LAST', () => {
    expect(
      column('SELECT Name FROM Account ORDER BY AnnualRevenue ASC NULLS LAST', 'Name'),
    ).toEqual(['Umbrella', 'Globex', 'Acme', 'Initech'])
    expect(
      column('SELECT Name FROM Account ORDER BY AnnualRevenue DESC NULLS FIRST', 'Name'),
    ).toEqual(['Initech', 'Acme', 'Globex', 'Umbrella'])
  })

  it('sorts by several keys, text case-insensitively, and by parent fields', () => {
    expect(column('SELECT Name FROM Account ORDER BY Industry DESC, Name DESC', 'Name')).toEqual([
      'Initech',
      'Acme',
      'Globex',
      'Umbrella',
    ])
    expect(
      column(
        'SELECT Name FROM Opportunity WHERE AccountId != null ORDER BY Account.Name DESC, Amount',
        'Name',
      ),
    ).toEqual(['Initech Upsell', 'Globex Pilot', 'Acme Renewal', 'Acme Big Deal'])
    expect(column('SELECT LastName FROM Contact ORDER BY LastName', 'LastName')).toEqual([
      'Doe',
      "O'Brien",
      'Spade',
      'Wolf',
    ])
  })

  it('applies OFFSET then LIMIT', () => {
    expect(column('SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1', 'Name')).toEqual([
      'Globex',
      'Initech',
    ])
    expect(run('SELECT Name FROM Account ORDER BY Name LIMIT 0').totalSize).toBe(0)
  })

  it('pages rows in storage order without ORDER BY, skipping filtered and deleted rows', () => {
    expect(
      column("SELECT Name FROM Account WHERE Name != 'Globex' LIMIT 2 OFFSET 1", 'Name'),
    ).toEqual(['Initech', 'Umbrella'])
    expect(run('SELECT COUNT() FROM Account LIMIT 3').totalSize).toBe(3)
    expect(run('SELECT Name FROM Account LIMIT 10').totalSize).toBe(4)
  })

  it('refuses an OFFSET above 2000', () => {
    const err = failure('SELECT Name FROM Account OFFSET 2001')
    expect(err.errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE')
    expect(err.message).toMatch(/\nMaximum SOQL offset allowed is 2000$/)
    expect(run('SELECT Name FROM Account OFFSET 2000').totalSize).toBe(0)
  })
})

describe('SOQL COUNT() and aggregates', () => {
  it('answers COUNT() with totalSize and no records', () => {
    expect(run('SELECT COUNT() FROM Contact')).toEqual({ totalSize: 4, records: [] })
    expect(run("SELECT COUNT() FROM Contact WHERE Account.Name = 'Acme'")).toEqual({
      totalSize: 2,
      records: [],
    })
  })

  it('names unaliased aggregates expr0, expr1 and honours aliases', () => {
    const rows = recs(
      'SELECT COUNT(Id), SUM(Amount) total, MAX(CloseDate), MIN(Name) FROM Opportunity',
    )
    expect(rows).toEqual([
      {
        attributes: { type: 'AggregateResult' },
        expr0: 5,
        total: 182500.5,
        expr1: '2024-07-01',
        expr2: 'Acme Big Deal',
      },
    ])
  })

  it('groups by a field, counts non-null values and averages', () => {
    const rows = recs(
      'SELECT StageName, COUNT(Amount), AVG(Amount) avg FROM Opportunity GROUP BY StageName ORDER BY StageName',
    )
    expect(rows).toEqual([
      { attributes: { type: 'AggregateResult' }, StageName: 'Closed Lost', expr0: 1, avg: 7500.5 },
      { attributes: { type: 'AggregateResult' }, StageName: 'Closed Won', expr0: 2, avg: 75000 },
      { attributes: { type: 'AggregateResult' }, StageName: 'Prospecting', expr0: 1, avg: 25000 },
    ])
  })

  it('filters groups with HAVING and orders by an aggregate', () => {
    const rows = recs(
      'SELECT Industry, COUNT(Id) n FROM Account GROUP BY Industry HAVING COUNT(Id) > 1',
    )
    expect(rows).toEqual([
      { attributes: { type: 'AggregateResult' }, Industry: 'Technology', n: 2 },
    ])
    expect(
      column(
        'SELECT Industry, SUM(NumberOfEmployees) s FROM Account GROUP BY Industry ORDER BY SUM(NumberOfEmployees) DESC',
        's',
      ),
    ).toEqual([300, 135, 40])
    expect(
      column(
        "SELECT Industry FROM Account GROUP BY Industry HAVING Industry != 'Energy' ORDER BY Industry NULLS LAST",
        'Industry',
      ),
    ).toEqual(['Technology', null])
  })

  it('groups by a parent field and counts distinct values', () => {
    const rows = recs(
      'SELECT Account.Name, COUNT_DISTINCT(StageName) FROM Opportunity WHERE AccountId != null GROUP BY Account.Name ORDER BY Account.Name',
    )
    expect(rows.map((r) => [r.Name, r.expr0])).toEqual([
      ['Acme', 2],
      ['Globex', 1],
      ['Initech', 1],
    ])
  })

  it('returns one row with zero and nulls when nothing matches', () => {
    expect(recs("SELECT COUNT(Id), SUM(Amount) FROM Opportunity WHERE Name = 'none'")).toEqual([
      { attributes: { type: 'AggregateResult' }, expr0: 0, expr1: null },
    ])
  })

  it('refuses a field that is neither grouped nor aggregated', () => {
    const err = failure('SELECT Name, COUNT(Id) FROM Account GROUP BY Industry')
    expect(err.errorCode).toBe('MALFORMED_QUERY')
    expect(err.message).toMatch(/\nField must be grouped or aggregated: Name$/)
  })

  it('refuses SUM on a text field', () => {
    expect(failure('SELECT SUM(Name) FROM Account').errorCode).toBe('MALFORMED_QUERY')
  })
})

describe('SOQL date functions', () => {
  it('groups and orders by a date function, named exprN', () => {
    const rows = recs(
      'SELECT CALENDAR_YEAR(CloseDate), COUNT(Id) n FROM Opportunity GROUP BY CALENDAR_YEAR(CloseDate) ORDER BY CALENDAR_YEAR(CloseDate) DESC',
    )
    expect(rows).toEqual([
      { attributes: { type: 'AggregateResult' }, expr0: 2024, n: 4 },
      { attributes: { type: 'AggregateResult' }, expr0: 2023, n: 1 },
    ])
  })

  it('filters with date functions on date and datetime fields', () => {
    expect(
      column('SELECT Name FROM Opportunity WHERE CALENDAR_MONTH(CloseDate) = 6', 'Name'),
    ).toEqual(['Acme Renewal'])
    expect(
      column('SELECT Name FROM Account WHERE DAY_ONLY(CreatedDate) = 2024-03-20', 'Name'),
    ).toEqual(['Acme'])
    expect(column('SELECT Name FROM Account WHERE HOUR_IN_DAY(CreatedDate) >= 21', 'Name')).toEqual(
      ['Acme', 'Initech'],
    )
    // 2024-06-10 is a Monday: DAY_IN_WEEK counts Sunday as 1.
    expect(column('SELECT Name FROM Invoice__c WHERE DAY_IN_WEEK(Due__c) = 2', 'Name')).toEqual([
      'INV-001',
    ])
  })

  it('refuses a date function on a text field and a date function missing from GROUP BY', () => {
    expect(failure('SELECT Name FROM Opportunity WHERE CALENDAR_MONTH(Name) = 6').errorCode).toBe(
      'INVALID_FIELD',
    )
    expect(
      failure('SELECT CALENDAR_YEAR(CloseDate) FROM Opportunity GROUP BY StageName').message,
    ).toMatch(/\nField must be grouped or aggregated: CALENDAR_YEAR\(CloseDate\)$/)
  })
})
