// SOQL engine: WHERE operators, literals, date literals, ids, semi-joins and their errors.
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/emulator/model/index.js'
import { runQuery } from '../../src/emulator/soql/index.js'
import { ACME, GLOBEX, NOW, sampleOrg } from './fixtures/soql-org.js'

const org = sampleOrg()
type Rec = Record<string, unknown>
const names = (soql: string, now = NOW) =>
  (runQuery(org, soql, { includeDeleted: false, apiVersion: '61.0', now }).records as Rec[])
    .map((r) => r.Name as string)
    .sort()
const failure = (soql: string): ApiError => {
  try {
    runQuery(org, soql, { includeDeleted: false, apiVersion: '61.0', now: NOW })
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error(`query did not fail: ${soql}`)
}

describe('SOQL WHERE comparisons', () => {
  it('compares text case-insensitively with = and !=, and != keeps nulls', () => {
    expect(names("SELECT Name FROM Account WHERE Industry = 'TECHNOLOGY'")).toEqual([
      'Acme',
      'Initech',
    ])
    expect(names("SELECT Name FROM Account WHERE Industry != 'technology'")).toEqual([
      'Globex',
      'Umbrella',
    ])
    expect(names("SELECT Name FROM Account WHERE Industry <> 'Energy'")).toEqual([
      'Acme',
      'Initech',
      'Umbrella',
    ])
  })

  it('orders numbers with < <= > >=, and a null never compares', () => {
    expect(names('SELECT Name FROM Account WHERE AnnualRevenue > 900000')).toEqual([
      'Acme',
      'Globex',
    ])
    expect(names('SELECT Name FROM Account WHERE AnnualRevenue >= 900000')).toEqual([
      'Acme',
      'Globex',
      'Umbrella',
    ])
    expect(names('SELECT Name FROM Account WHERE AnnualRevenue < 1000000.5')).toEqual(['Umbrella'])
    expect(names('SELECT Name FROM Account WHERE NumberOfEmployees <= 40')).toEqual([
      'Globex',
      'Initech',
    ])
    expect(names('SELECT Name FROM Opportunity WHERE Amount = 7500.5')).toEqual(['Initech Upsell'])
  })

  it('matches = null and != null', () => {
    expect(names('SELECT Name FROM Account WHERE Industry = null')).toEqual(['Umbrella'])
    expect(names('SELECT Name FROM Account WHERE AnnualRevenue != NULL')).toEqual([
      'Acme',
      'Globex',
      'Umbrella',
    ])
  })

  it("treats '' as null for text, as Salesforce stores empty text as null", () => {
    expect(names("SELECT Name FROM Account WHERE Industry = ''")).toEqual(['Umbrella'])
    expect(names("SELECT Name FROM Account WHERE Industry != ''")).toEqual([
      'Acme',
      'Globex',
      'Initech',
    ])
  })

  it('matches booleans', () => {
    expect(names('SELECT Name FROM Opportunity WHERE IsWon = TRUE')).toEqual([
      'Acme Big Deal',
      'Globex Pilot',
    ])
    expect(names('SELECT Name FROM Invoice__c WHERE Paid__c = false')).toEqual([
      'INV-001',
      'INV-003',
      'INV-004',
    ])
  })

  it('matches LIKE with % and _, case-insensitively, and escaped wildcards literally', () => {
    expect(names("SELECT Name FROM Account WHERE Name LIKE 'a%'")).toEqual(['Acme'])
    expect(names("SELECT Name FROM Account WHERE Name LIKE '%EC%'")).toEqual(['Initech'])
    expect(names("SELECT Name FROM Invoice__c WHERE Name LIKE 'INV-00_'")).toHaveLength(4)
    expect(names("SELECT Name FROM Invoice__c WHERE Name LIKE 'INV\\_%'")).toEqual([])
  })

  it('reads escaped quotes in string literals', () => {
    expect(names("SELECT Name FROM Contact WHERE LastName = 'o\\'brien'")).toEqual(["John O'Brien"])
  })

  it('matches IN and NOT IN lists, with null in the list', () => {
    expect(names("SELECT Name FROM Account WHERE Industry IN ('Energy', 'technology')")).toEqual([
      'Acme',
      'Globex',
      'Initech',
    ])
    expect(names("SELECT Name FROM Account WHERE Industry NOT IN ('Energy')")).toEqual([
      'Acme',
      'Initech',
      'Umbrella',
    ])
    expect(names("SELECT Name FROM Account WHERE Industry IN ('Energy', null)")).toEqual([
      'Globex',
      'Umbrella',
    ])
  })

  it('matches multipicklists with INCLUDES, EXCLUDES and = (order-insensitive)', () => {
    expect(names("SELECT Name FROM Invoice__c WHERE Channels__c INCLUDES ('web')")).toEqual([
      'INV-001',
      'INV-003',
    ])
    expect(
      names("SELECT Name FROM Invoice__c WHERE Channels__c INCLUDES ('Email;Phone', 'Nope')"),
    ).toEqual(['INV-003'])
    expect(names("SELECT Name FROM Invoice__c WHERE Channels__c EXCLUDES ('Phone')")).toEqual([
      'INV-001',
      'INV-004',
    ])
    expect(names("SELECT Name FROM Invoice__c WHERE Channels__c = 'Web;Email'")).toEqual([
      'INV-001',
    ])
  })

  it('combines AND, OR and NOT with parentheses', () => {
    expect(
      names(
        "SELECT Name FROM Account WHERE Industry = 'Energy' OR (Industry = 'Technology' AND NumberOfEmployees > 100)",
      ),
    ).toEqual(['Acme', 'Globex'])
    expect(names("SELECT Name FROM Account WHERE NOT Industry = 'Technology'")).toEqual([
      'Globex',
      'Umbrella',
    ])
    expect(
      names(
        "SELECT Name FROM Account WHERE NOT (Industry = 'Technology' OR Industry = null) AND Name != 'x'",
      ),
    ).toEqual(['Globex'])
  })

  it('refuses AND and OR mixed without parentheses, as Salesforce does', () => {
    const err = failure("SELECT Name FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'")
    expect(err.errorCode).toBe('MALFORMED_QUERY')
    expect(err.message).toMatch(/unexpected token: 'OR'$/)
    expect(err.message).toContain('ERROR at Row:1:Column:58')
  })

  it('filters on parent fields', () => {
    expect(names("SELECT Name FROM Contact WHERE Account.Owner.Name LIKE 'Ada%'")).toEqual([
      'Jane Doe',
      "John O'Brien",
    ])
    expect(names('SELECT Name FROM Opportunity WHERE Account.Name = null')).toEqual(['Orphan'])
  })
})

describe('SOQL ids', () => {
  it('matches 15- and 18-character ids', () => {
    expect(names(`SELECT Name FROM Account WHERE Id = '${ACME}'`)).toEqual(['Acme'])
    expect(names(`SELECT Name FROM Account WHERE Id = '${ACME.slice(0, 15)}'`)).toEqual(['Acme'])
    expect(names(`SELECT Name FROM Contact WHERE AccountId IN ('${GLOBEX.slice(0, 15)}')`)).toEqual(
      ['Sam Spade'],
    )
  })

  it('refuses a malformed id with INVALID_QUERY_FILTER_OPERATOR', () => {
    const err = failure("SELECT Name FROM Account WHERE Id = '001'")
    expect(err.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR')
    expect(err.message).toMatch(/\ninvalid ID field: 001$/)
  })

  it('runs semi-joins and anti-joins', () => {
    expect(names('SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact)')).toEqual([
      'Acme',
      'Globex',
    ])
    expect(
      names(
        "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Won')",
      ),
    ).toEqual(['Acme', 'Globex'])
    expect(
      failure('SELECT Name FROM Account WHERE Id IN (SELECT Name FROM Contact)').errorCode,
    ).toBe('INVALID_FIELD')
    expect(
      failure('SELECT Name FROM Account WHERE Name IN (SELECT AccountId FROM Contact)').errorCode,
    ).toBe('INVALID_QUERY_FILTER_OPERATOR')
    expect(
      names('SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact)'),
    ).toEqual(['Initech', 'Umbrella'])
  })
})

describe('SOQL dates', () => {
  it('compares date and datetime literals', () => {
    expect(names('SELECT Name FROM Opportunity WHERE CloseDate = 2024-03-31')).toEqual([
      'Acme Big Deal',
    ])
    expect(names('SELECT Name FROM Opportunity WHERE CloseDate < 2024-02-10')).toEqual([
      'Initech Upsell',
    ])
    expect(names('SELECT Name FROM Opportunity WHERE CloseDate <= 2024-02-10')).toEqual([
      'Globex Pilot',
      'Initech Upsell',
    ])
    expect(names('SELECT Name FROM Account WHERE CreatedDate >= 2024-01-01T00:00:00Z')).toEqual([
      'Acme',
      'Globex',
      'Umbrella',
    ])
    expect(names('SELECT Name FROM Account WHERE CreatedDate > 2024-01-01T00:59:59+01:00')).toEqual(
      ['Acme', 'Globex', 'Umbrella'],
    )
    expect(
      names('SELECT Name FROM Account WHERE CreatedDate = 2024-03-20T21:42:13.000+0000'),
    ).toEqual(['Acme'])
  })

  it('evaluates relative date literals against now, in UTC', () => {
    // NOW is Monday 2024-06-10 12:00 UTC.
    expect(names('SELECT Name FROM Invoice__c WHERE Due__c = TODAY')).toEqual(['INV-001'])
    expect(names('SELECT Name FROM Invoice__c WHERE Due__c < TODAY')).toEqual(['INV-002'])
    expect(names('SELECT Name FROM Invoice__c WHERE Due__c > TODAY')).toEqual(['INV-003'])
    expect(names('SELECT Name FROM Invoice__c WHERE Due__c = YESTERDAY')).toEqual([])
    expect(names('SELECT Name FROM Invoice__c WHERE CreatedDate = TODAY')).toEqual(['INV-004'])
    expect(names('SELECT Name FROM Invoice__c WHERE CreatedDate = YESTERDAY')).toEqual(['INV-001'])
    expect(names('SELECT Name FROM Invoice__c WHERE Due__c = LAST_N_DAYS:2')).toEqual([
      'INV-001',
      'INV-002',
    ])
    expect(names('SELECT Name FROM Invoice__c WHERE Due__c = NEXT_N_DAYS:10')).toEqual(['INV-003'])
    expect(names('SELECT Name FROM Invoice__c WHERE Due__c = N_DAYS_AGO:2')).toEqual(['INV-002'])
    expect(names('SELECT Name FROM Invoice__c WHERE CreatedDate = THIS_WEEK')).toEqual([
      'INV-001',
      'INV-004',
    ])
    expect(names('SELECT Name FROM Invoice__c WHERE CreatedDate = LAST_WEEK')).toEqual(['INV-002'])
    expect(names('SELECT Name FROM Invoice__c WHERE CreatedDate = LAST_MONTH')).toEqual(['INV-003'])
    expect(names('SELECT Name FROM Opportunity WHERE CloseDate = THIS_MONTH')).toEqual([
      'Acme Renewal',
    ])
    expect(names('SELECT Name FROM Opportunity WHERE CloseDate = LAST_YEAR')).toEqual([
      'Initech Upsell',
    ])
    expect(
      names('SELECT Name FROM Opportunity WHERE CloseDate = THIS_YEAR AND CloseDate < THIS_MONTH'),
    ).toEqual(['Acme Big Deal', 'Globex Pilot'])
    expect(
      names(
        'SELECT Name FROM Account WHERE CreatedDate = TOMORROW',
        new Date('2024-03-19T23:00:00Z'),
      ),
    ).toEqual(['Acme'])
  })

  it('refuses a date literal on a datetime field and a quoted date', () => {
    const onDatetime = failure('SELECT Name FROM Account WHERE CreatedDate > 2024-01-01')
    expect(onDatetime.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR')
    expect(onDatetime.message).toMatch(
      /value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes$/,
    )
    const quoted = failure("SELECT Name FROM Opportunity WHERE CloseDate = '2024-01-01'")
    expect(quoted.message).toMatch(/must be of type date and should not be enclosed in quotes$/)
  })
})

describe('SOQL filter type errors', () => {
  it('refuses a quoted number and an unquoted text value', () => {
    const number = failure("SELECT Name FROM Opportunity WHERE Amount > '5'")
    expect(number.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR')
    expect(number.message).toBe(
      "\nSELECT Name FROM Opportunity WHERE Amount > '5'\n                                   ^\nERROR at Row:1:Column:36\nvalue of filter criterion for field 'Amount' must be of type double and should not be enclosed in quotes",
    )
    const text = failure('SELECT Name FROM Account WHERE Name = 5')
    expect(text.message).toMatch(
      /field 'Name' must be of type string and should be enclosed in quotes$/,
    )
    const int = failure("SELECT Name FROM Account WHERE NumberOfEmployees = 'x'")
    expect(int.message).toMatch(/must be of type integer/)
  })

  it('refuses LIKE on a number and INCLUDES on a plain picklist', () => {
    expect(failure("SELECT Name FROM Account WHERE AnnualRevenue LIKE '5%'").errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    )
    expect(failure("SELECT Name FROM Account WHERE Industry INCLUDES ('Energy')").errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    )
  })

  it('names an unknown WHERE column with INVALID_FIELD and a caret under it', () => {
    const err = failure("SELECT Name FROM Account WHERE Nme = 'x'")
    expect(err.errorCode).toBe('INVALID_FIELD')
    expect(err.message.split('\n').slice(0, 4)).toEqual([
      '',
      "SELECT Name FROM Account WHERE Nme = 'x'",
      `${' '.repeat(31)}^`,
      'ERROR at Row:1:Column:32',
    ])
  })
})
