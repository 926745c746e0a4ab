// The SOAP partner API with real clients: jsforce's SOAP login (its default without a
// connected app) and logout, then REST calls on the SOAP session; getUserInfo, query,
// create, update, upsert and delete over raw SOAP; faults as Salesforce sends them.

import jsforce from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { DEMO } from './login-helper.js'

let emu: EmulatorHandle

beforeAll(async () => {
  emu = await startEmulator()
})
afterAll(() => emu.close())

const envelope = (op: string, session?: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com" xmlns:urn1="urn:sobject.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header>${
    session
      ? `<urn:SessionHeader><urn:sessionId>${session}</urn:sessionId></urn:SessionHeader>`
      : ''
  }</soapenv:Header><soapenv:Body>${op}</soapenv:Body></soapenv:Envelope>`

async function soap(op: string, session?: string, path = '/services/Soap/u/62.0') {
  const res = await fetch(`${emu.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    body: envelope(op, session),
  })
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
}
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]
const tags = (xml: string, name: string) =>
  [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1])

async function login(): Promise<{ sessionId: string; serverUrl: string }> {
  const res = await soap(
    `<urn:login><urn:username>${DEMO.username}</urn:username><urn:password>${DEMO.password}${DEMO.securityToken}</urn:password></urn:login>`,
  )
  expect(res.status).toBe(200)
  return { sessionId: tag(res.text, 'sessionId')!, serverUrl: tag(res.text, 'serverUrl')! }
}

describe('SOAP API', () => {
  it('logs jsforce in over SOAP, serves REST on that session, and logs it out', async () => {
    const conn = new jsforce.Connection({ loginUrl: emu.url, version: '62.0' })
    const info = await conn.login(DEMO.username, DEMO.password + DEMO.securityToken)
    expect(info.organizationId).toBe(emu.orgId)
    expect(conn.instanceUrl).toBe(emu.url)
    const created = await conn.sobject('Account').create({ Name: 'Via SOAP session' })
    expect(created.success).toBe(true)
    const result = await conn.query<{ Name: string }>(
      "SELECT Name FROM Account WHERE Name = 'Via SOAP session'",
    )
    expect(result.records.map((r) => r.Name)).toEqual(['Via SOAP session'])
    const token = conn.accessToken!
    await conn.logout()
    const after = await fetch(`${emu.url}/services/data/v62.0/limits`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(after.status).toBe(401)
  })

  it('refuses bad credentials with an INVALID_LOGIN LoginFault over HTTP 500', async () => {
    const res = await soap(
      `<urn:login><urn:username>${DEMO.username}</urn:username><urn:password>${DEMO.password}</urn:password></urn:login>`,
    )
    expect(res.status).toBe(500)
    expect(res.type).toMatch(/^text\/xml/)
    expect(tag(res.text, 'faultcode')).toBe('sf:INVALID_LOGIN')
    expect(tag(res.text, 'faultstring')).toBe(
      'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
    )
    expect(res.text).toContain('<sf:LoginFault xsi:type="sf:LoginFault">')
  })

  it('answers getUserInfo, query, create, update, upsert and delete on the server URL', async () => {
    const { sessionId, serverUrl } = await login()
    const path = new URL(serverUrl).pathname
    expect(path).toBe(`/services/Soap/u/62.0/${emu.orgId.slice(0, 15)}`)
    const me = await soap('<urn:getUserInfo/>', sessionId, path)
    expect(tag(me.text, 'userName')).toBe(DEMO.username)
    expect(tag(me.text, 'organizationId')).toBe(emu.orgId)

    const create = await soap(
      '<urn:create><urn:sObjects><urn1:type>Account</urn1:type><Name>SOAP &amp; Co</Name><NumberOfEmployees>12</NumberOfEmployees></urn:sObjects><urn:sObjects><urn1:type>Account</urn1:type></urn:sObjects></urn:create>',
      sessionId,
      path,
    )
    expect(create.status).toBe(200)
    expect(tags(create.text, 'success')).toEqual(['true', 'false'])
    expect(tag(create.text, 'statusCode')).toBe('REQUIRED_FIELD_MISSING')
    const id = tag(create.text, 'id')!

    const update = await soap(
      `<urn:update><urn:sObjects><urn1:type>Account</urn1:type><urn1:Id>${id}</urn1:Id><Site>HQ</Site><urn1:fieldsToNull>NumberOfEmployees</urn1:fieldsToNull></urn:sObjects></urn:update>`,
      sessionId,
      path,
    )
    expect(tag(update.text, 'success')).toBe('true')
    const query = await soap(
      `<urn:query><urn:queryString>SELECT Id, Name, Site, NumberOfEmployees, Owner.Name FROM Account WHERE Id = '${id}'</urn:queryString></urn:query>`,
      sessionId,
      path,
    )
    expect(tag(query.text, 'size')).toBe('1')
    expect(tag(query.text, 'sf:Name')).toBe('SOAP &amp; Co')
    expect(tag(query.text, 'sf:Site')).toBe('HQ')
    expect(query.text).toContain('<sf:NumberOfEmployees xsi:nil="true"/>')
    expect(query.text).toContain('<sf:Owner xsi:type="sf:sObject"><sf:type>User</sf:type>')

    const upsert = await soap(
      '<urn:upsert><urn:externalIDFieldName>Number__c</urn:externalIDFieldName><urn:sObjects><urn1:type>Invoice__c</urn1:type><Number__c>INV-9</Number__c><Amount__c>10.5</Amount__c></urn:sObjects></urn:upsert>',
      sessionId,
      path,
    )
    expect(tag(upsert.text, 'created')).toBe('true')

    const del = await soap(`<urn:delete><urn:ids>${id}</urn:ids></urn:delete>`, sessionId, path)
    expect(tag(del.text, 'success')).toBe('true')
  })

  it('pages a query with QueryOptions batchSize and queryMore locators', async () => {
    const userId = [...emu.org.rows('User')][0]!.Id
    for (let i = 0; i < 450; i++)
      emu.org.create('Lead', { LastName: `Page ${i}`, Company: 'P' }, { userId })
    const { sessionId } = await login()
    const options = '<urn:QueryOptions><urn:batchSize>200</urn:batchSize></urn:QueryOptions>'
    const first = await fetch(`${emu.url}/services/Soap/u/62.0`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body: envelope(
        "<urn:query><urn:queryString>SELECT Id FROM Lead WHERE Company = 'P'</urn:queryString></urn:query>",
        sessionId,
      ).replace('</urn:SessionHeader>', `</urn:SessionHeader>${options}`),
    })
    let text = await first.text()
    const seen = [(text.match(/<records /g) ?? []).length]
    expect(tag(text, 'size')).toBe('450')
    while (tag(text, 'done') === 'false') {
      const locator = tag(text, 'queryLocator')!
      expect(locator).toMatch(/^01g[0-9A-Za-z]{15}-\d+$/)
      text = (
        await soap(
          `<urn:queryMore><urn:queryLocator>${locator}</urn:queryLocator></urn:queryMore>`,
          sessionId,
        )
      ).text
      seen.push((text.match(/<records /g) ?? []).length)
    }
    expect(seen).toEqual([200, 200, 50])
    expect(text).toContain('<queryLocator xsi:nil="true"/>')
    const bad = await soap(
      '<urn:queryMore><urn:queryLocator>01g000000000000AAA-5</urn:queryLocator></urn:queryMore>',
      sessionId,
    )
    expect(tag(bad.text, 'faultcode')).toBe('sf:INVALID_QUERY_LOCATOR')
  })

  it('faults on a bad session and a malformed query', async () => {
    const bad = await soap('<urn:getUserInfo/>', 'nope')
    expect(bad.status).toBe(500)
    expect(tag(bad.text, 'faultcode')).toBe('sf:INVALID_SESSION_ID')
    const { sessionId } = await login()
    const q = await soap(
      '<urn:query><urn:queryString>SELECT Nope FROM Account</urn:queryString></urn:query>',
      sessionId,
    )
    expect(q.status).toBe(500)
    expect(tag(q.text, 'faultcode')).toBe('sf:INVALID_FIELD')
    expect(q.text).toContain('<sf:InvalidFieldFault')
  })
})
