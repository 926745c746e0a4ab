// Bulk API 1.0 once the org's daily API requests are spent: its own error shape (ExceededQuota
// in XML or JSON, 403), not REST's REQUEST_LIMIT_EXCEEDED array, so jsforce's bulk client
// reports it by name; REST on the same org answers its own 403, and both work again on reset.

import jsforce from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { passwordLogin } from './login-helper.js'

let emu: EmulatorHandle
let token: string

beforeAll(async () => {
  emu = await startEmulator()
  token = (await passwordLogin(emu.url)).access_token
})
afterAll(() => emu.close())

const jobXml =
  '<?xml version="1.0" encoding="UTF-8"?><jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload"><operation>insert</operation><object>Account</object><contentType>CSV</contentType></jobInfo>'

async function createJob(type: string, body: string) {
  const res = await fetch(`${emu.url}/services/async/62.0/job`, {
    method: 'POST',
    headers: { 'x-sfdc-session': token, 'content-type': type },
    body,
  })
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}

describe('Bulk API 1.0 with the API request limit spent', () => {
  it('answers ExceededQuota in the request format, and works again after a reset', async () => {
    expect((await createJob('application/xml; charset=UTF-8', jobXml)).status).toBe(201)
    emu.limits.spend()
    try {
      const xml = await createJob('application/xml; charset=UTF-8', jobXml)
      expect(xml.status).toBe(403)
      expect(xml.type).toContain('application/xml')
      expect(xml.text).toContain('<exceptionCode>ExceededQuota</exceptionCode>')
      expect(xml.text).toContain(
        '<exceptionMessage>TotalRequests Limit exceeded.</exceptionMessage>',
      )

      const json = await createJob(
        'application/json',
        JSON.stringify({ operation: 'insert', object: 'Account', contentType: 'JSON' }),
      )
      expect(json.status).toBe(403)
      expect(JSON.parse(json.text)).toEqual({
        exceptionCode: 'ExceededQuota',
        exceptionMessage: 'TotalRequests Limit exceeded.',
      })

      // jsforce's bulk client names the error; REST keeps its own shape.
      const conn = new jsforce.Connection({
        instanceUrl: emu.url,
        accessToken: token,
        version: '62.0',
      })
      await expect(conn.bulk.createJob('Account', 'insert').open()).rejects.toMatchObject({
        name: 'ExceededQuota',
      })
      const rest = await fetch(`${emu.url}/services/data/v62.0/limits`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(rest.status).toBe(403)
      expect(await rest.json()).toEqual([
        { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ])
    } finally {
      emu.limits.reset()
    }
    expect((await createJob('application/xml; charset=UTF-8', jobXml)).status).toBe(201)
  })
})
