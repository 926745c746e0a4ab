import { describe, expect, it } from 'vitest'
import { IdGenerator, idChecksum, isRecordId, toId18 } from '../../src/emulator/ids/record-id.js'

describe('record ids', () => {
  it('computes the checksum of real Salesforce ids', () => {
    expect(idChecksum('005i0000002MUqL')).toBe('AAW')
    expect(idChecksum('00Di0000000icUB')).toBe('EAY')
    expect(idChecksum('001D000000IqhSL')).toBe('IAZ')
    expect(idChecksum('750R0000000zxr8')).toBe('IAA')
    expect(idChecksum('003RO0000035WQg')).toBe('YAM')
  })

  it('turns a 15-character id into 18 and refuses a bad checksum', () => {
    expect(toId18('001D000000IqhSL')).toBe('001D000000IqhSLIAZ')
    expect(toId18('001D000000IqhSLiaz')).toBe('001D000000IqhSLIAZ')
    expect(isRecordId('001D000000IqhSLAAA')).toBe(false)
    expect(toId18('not-an-id')).toBeUndefined()
  })

  it('generates prefix + 000 + counter ids with a valid checksum, resuming after observed ids', () => {
    const gen = new IdGenerator()
    const first = gen.next('701')
    expect(first).toMatch(/^701000[0-9A-Za-z]{12}$/)
    expect(isRecordId(first)).toBe(true)
    gen.observe('701000000000zzzAAA'.slice(0, 15) + idChecksum('701000000000zzz'))
    const next = gen.next('701')
    expect(next.slice(0, 15)).toBe('701000000001000')
  })
})
