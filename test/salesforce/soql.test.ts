import { describe, expect, it } from 'vitest'
import { soql } from '../../src/salesforce/soql/index.js'

describe('soql template', () => {
  it('quotes and escapes strings by SOQL rules', () => {
    const name = `O'Brien "x" \\ a\nb\rc\td\be\ff`
    expect(soql`SELECT Id FROM Contact WHERE LastName = ${name}`).toBe(
      `SELECT Id FROM Contact WHERE LastName = 'O\\'Brien \\"x\\" \\\\ a\\nb\\rc\\td\\be\\ff'`,
    )
  })

  it('writes an injection attempt as one literal', () => {
    const evil = `x' OR Name != '`
    expect(soql`SELECT Id FROM Account WHERE Name = ${evil}`).toBe(
      `SELECT Id FROM Account WHERE Name = 'x\\' OR Name != \\''`,
    )
  })

  it('writes numbers, booleans and null as literals', () => {
    expect(soql`${1} ${-2.5} ${true} ${false} ${null} ${10n} ${1e21} ${1e-7}`).toBe(
      '1 -2.5 true false null 10 1000000000000000000000 0.0000001',
    )
  })

  it('writes a Date as a UTC datetime literal and soql.date as a date literal', () => {
    const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))
    expect(
      soql`WHERE CreatedDate > ${d} AND CloseDate = ${soql.date(d)} AND D = ${soql.date('2024-12-31')}`,
    ).toBe(
      'WHERE CreatedDate > 2024-01-02T03:04:05.006Z AND CloseDate = 2024-01-02 AND D = 2024-12-31',
    )
  })

  it('writes arrays as IN lists and rejects an empty list', () => {
    expect(soql`WHERE Id IN ${['a', "b'c"]} AND N IN ${[1, 2]}`).toBe(
      `WHERE Id IN ('a','b\\'c') AND N IN (1,2)`,
    )
    expect(() => soql`WHERE Id IN ${[]}`).toThrow(/empty list/)
  })

  it('accepts valid identifiers and rejects bad ones', () => {
    expect(
      soql`SELECT ${soql.identifier('Account.Owner.Name')}, ${soql.identifier('ns__Field__c')} FROM X`,
    ).toBe('SELECT Account.Owner.Name, ns__Field__c FROM X')
    for (const bad of ['Name, (SELECT', '1abc', 'a b', 'Name--', '', 'a..b', '_x']) {
      expect(() => soql.identifier(bad), bad).toThrow(
        expect.objectContaining({ code: 'INVALID_SOQL_VALUE' }),
      )
    }
  })

  it('rejects values with no SOQL literal', () => {
    const cases: unknown[] = [
      undefined,
      { a: 1 },
      Number.NaN,
      Infinity,
      new Date('nope'),
      [[1]],
      () => 1,
    ]
    for (const value of cases) {
      expect(() => soql`X = ${value as string}`).toThrow(
        expect.objectContaining({ code: 'INVALID_SOQL_VALUE' }),
      )
    }
    expect(() => soql.date('2024-1-1')).toThrow(/YYYY-MM-DD/)
  })

  it('places soql.raw text as is', () => {
    expect(soql`SELECT Id FROM Account ${soql.raw('ORDER BY Name')}`).toBe(
      'SELECT Id FROM Account ORDER BY Name',
    )
  })
})
