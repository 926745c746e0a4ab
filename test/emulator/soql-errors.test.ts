// SOQL engine: Salesforce's error codes and caret-format messages for bad queries.
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/emulator/model/index.js'
import { runQuery } from '../../src/emulator/soql/index.js'
import { NOW, sampleOrg } from './fixtures/soql-org.js'

const org = sampleOrg()
const failure = (soql: string): ApiError => {
  try {
    runQuery(org, soql, { includeDeleted: false, apiVersion: '61.0', now: NOW })
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error(`query did not fail: ${soql}`)
}

const COLUMN_HINT =
  "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."

describe('SOQL errors', () => {
  it('answers an unknown column with INVALID_FIELD in the caret format', () => {
    const err = failure('SELECT Id, FullName FROM Account')
    expect(err.status).toBe(400)
    expect(err.toBody()).toEqual([
      {
        errorCode: 'INVALID_FIELD',
        message: `\nSELECT Id, FullName FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'FullName' on entity 'Account'. ${COLUMN_HINT}`,
      },
    ])
  })

  it('names the parent entity for an unknown field behind a relationship', () => {
    const err = failure('SELECT Account.Nmae FROM Contact')
    expect(err.errorCode).toBe('INVALID_FIELD')
    expect(err.message).toContain("No such column 'Nmae' on entity 'Account'")
    expect(err.message).toContain('ERROR at Row:1:Column:8')
  })

  it('answers an unknown relationship with INVALID_FIELD', () => {
    const err = failure('SELECT Acount.Name FROM Contact')
    expect(err.errorCode).toBe('INVALID_FIELD')
    expect(err.message).toMatch(/\nDidn't understand relationship 'Acount' in field path\./)
  })

  it('answers an unknown object with INVALID_TYPE, caret under its name', () => {
    const err = failure('SELECT Id FROM Foo')
    expect(err.errorCode).toBe('INVALID_TYPE')
    expect(err.message).toBe(
      "\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
    )
  })

  it('answers an unknown child relationship with INVALID_TYPE', () => {
    const err = failure('SELECT Id, (SELECT Id FROM Contactz) FROM Account')
    expect(err.errorCode).toBe('INVALID_TYPE')
    expect(err.message).toContain(
      "Didn't understand relationship 'Contactz' in FROM part of query call.",
    )
    expect(err.message).toContain('Column:28')
  })

  it('answers a syntax error with MALFORMED_QUERY and the unexpected token', () => {
    const err = failure('SELECT Id FRM Account')
    expect(err.errorCode).toBe('MALFORMED_QUERY')
    expect(err.message).toMatch(/\nunexpected token: '\w+'$/)
    expect(failure('SELECT Id, FROM Account').message).toMatch(
      /\nERROR at Row:1:Column:12\nunexpected token: 'FROM'$/,
    )
  })

  it('points at a punctuation token it did not expect', () => {
    expect(failure('SELECT Id FROM Account WHERE Name = :x').message).toMatch(
      /\nERROR at Row:1:Column:37\nunexpected token: ':'$/,
    )
  })

  it('answers an unterminated string with MALFORMED_QUERY', () => {
    expect(failure("SELECT Id FROM Account WHERE Name = 'abc").errorCode).toBe('MALFORMED_QUERY')
  })

  it('gives the row and line of an error in a multi-line query', () => {
    const err = failure('SELECT Id,\n  Bogus__c\nFROM Account')
    expect(err.message.split('\n').slice(0, 4)).toEqual([
      '',
      '  Bogus__c',
      '  ^',
      'ERROR at Row:2:Column:3',
    ])
  })
})
