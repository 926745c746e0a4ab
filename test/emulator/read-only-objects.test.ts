// Writes Salesforce refuses on objects whose describe says createable, updateable or deletable
// false (Organization cannot be inserted or deleted, a User cannot be deleted): 400
// INVALID_TYPE_FOR_OPERATION through REST, a per-record error through collections, Bulk API 2.0,
// Bulk API 1.0 (jsforce) and SOAP; writes the describe allows still go through.

import jsforce from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { apiClient, passwordLogin } from './login-helper.js'

let emu: EmulatorHandle
let api: ReturnType<typeof apiClient>
let conn: jsforce.Connection
let token: string
let orgRowId: string
let userId: string

beforeAll(async () => {
  emu = await startEmulator()
  const login = await passwordLogin(emu.url)
  token = login.access_token
  api = apiClient(emu.url, token)
  conn = new jsforce.Connection({ instanceUrl: emu.url, accessToken: token, version: '62.0' })
  conn.bulk.pollInterval = 20
  conn.bulk2.pollInterval = 20
  const org = await api('GET', `/query?q=${encodeURIComponent('SELECT Id FROM Organization')}`)
  orgRowId = (org.body as { records: { Id: string }[] }).records[0]!.Id
  userId = login.id.split('/').pop()!
})
afterAll(() => emu.close())

const refusal = (operation: string, type: string) => ({
  errorCode: 'INVALID_TYPE_FOR_OPERATION',
  message: `entity type ${type} does not support ${operation}`,
})

describe('writes to objects Salesforce does not write', () => {
  it('REST refuses insert and delete of Organization and delete of a User, allows an update', async () => {
    const created = await api('POST', '/sobjects/Organization', { Name: 'Second org' })
    expect(created.status).toBe(400)
    expect(created.body).toEqual([expect.objectContaining(refusal('insert', 'Organization'))])

    const removed = await api('DELETE', `/sobjects/Organization/${orgRowId}`)
    expect(removed.status).toBe(400)
    expect(removed.body).toEqual([expect.objectContaining(refusal('delete', 'Organization'))])

    const user = await api('DELETE', `/sobjects/User/${userId}`)
    expect(user.status).toBe(400)
    expect(user.body).toEqual([expect.objectContaining(refusal('delete', 'User'))])

    // Organization is updateable in its describe: the write goes through.
    expect(
      (await api('PATCH', `/sobjects/Organization/${orgRowId}`, { Phone: '555' })).status,
    ).toBe(204)
    const count = await api(
      'GET',
      `/query?q=${encodeURIComponent('SELECT COUNT() FROM Organization')}`,
    )
    expect((count.body as { totalSize: number }).totalSize).toBe(1)
  })

  it('collections fail the refused record alone', async () => {
    const res = await api('POST', '/composite/sobjects', {
      allOrNone: false,
      records: [
        { attributes: { type: 'Organization' }, Name: 'Nope' },
        { attributes: { type: 'Account' }, Name: 'Read-only neighbour' },
      ],
    })
    expect(res.status).toBe(200)
    const [org, account] = res.body as {
      success: boolean
      errors: { statusCode: string; message: string }[]
    }[]
    expect(org).toMatchObject({
      success: false,
      errors: [
        {
          statusCode: 'INVALID_TYPE_FOR_OPERATION',
          message: 'entity type Organization does not support insert',
        },
      ],
    })
    expect(account).toMatchObject({ success: true })
  })

  it('Bulk API 2.0 fails each refused row with the same error', async () => {
    const res = await conn.bulk2.loadAndWaitForResults({
      object: 'Organization',
      operation: 'insert',
      input: 'Name\nBulk org one\nBulk org two\n',
    })
    expect(res.successfulResults).toEqual([])
    expect(res.failedResults.map((r) => r.sf__Error)).toEqual([
      'INVALID_TYPE_FOR_OPERATION:entity type Organization does not support insert:--',
      'INVALID_TYPE_FOR_OPERATION:entity type Organization does not support insert:--',
    ])
  })

  it('Bulk API 1.0 fails each refused row with the same error', async () => {
    const job = conn.bulk.createJob('User', 'delete')
    const batch = job.createBatch()
    const results = await new Promise<{ success: boolean; errors: string[] }[]>(
      (resolve, reject) => {
        batch.on('error', reject)
        batch.on('queue', () => batch.poll(20, 20_000))
        batch.on('response', (r) => resolve(r as { success: boolean; errors: string[] }[]))
        batch.execute([{ Id: userId }])
      },
    )
    await job.close()
    expect(results).toEqual([
      expect.objectContaining({
        success: false,
        errors: [
          expect.stringContaining(
            'INVALID_TYPE_FOR_OPERATION:entity type User does not support delete',
          ),
        ],
      }),
    ])
  })

  it('SOAP create answers a failed SaveResult', async () => {
    const envelope = `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com" xmlns:sf="urn:sobject.partner.soap.sforce.com"><soapenv:Header><urn:SessionHeader><urn:sessionId>${token}</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body><urn:create><urn:sObjects><sf:type>Organization</sf:type><sf:Name>Soap org</sf:Name></urn:sObjects></urn:create></soapenv:Body></soapenv:Envelope>`
    const res = await fetch(`${emu.url}/services/Soap/u/62.0`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: 'create' },
      body: envelope,
    })
    const xml = await res.text()
    expect(res.status).toBe(200)
    expect(xml).toContain('<statusCode>INVALID_TYPE_FOR_OPERATION</statusCode>')
    expect(xml).toContain('<success>false</success>')
  })
})
