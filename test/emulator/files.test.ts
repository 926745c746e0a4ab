// Files over REST, as Salesforce documents them: a ContentVersion from JSON (base64
// VersionData) and from multipart/form-data (`entity_content` + `VersionData`), its
// ContentDocument and links made alongside, a second version of the same document, and the
// bytes served back at `.../VersionData` with the file's content type.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { apiClient, passwordLogin } from './login-helper.js'

let emu: EmulatorHandle
let token: string
let api: ReturnType<typeof apiClient>
let userId: string

// Every byte value, so that any text decoding on the way would show.
const BYTES = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256))

beforeAll(async () => {
  emu = await startEmulator()
  const login = await passwordLogin(emu.url)
  token = login.access_token
  userId = login.id.split('/').pop()!
  api = apiClient(emu.url, token, '62.0')
})
afterAll(() => emu.close())

const query = async (soql: string) =>
  (
    (await api('GET', `/query?q=${encodeURIComponent(soql)}`)).body as {
      records: Record<string, unknown>[]
    }
  ).records

async function download(path: string) {
  const res = await fetch(`${emu.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bytes: Buffer.from(await res.arrayBuffer()),
  }
}

describe('files', () => {
  it('creates a ContentVersion from JSON with base64 VersionData, with its document and links', async () => {
    const account = (await api('POST', '/sobjects/Account', { Name: 'File Owner Co' })).body as {
      id: string
    }
    const res = await api('POST', '/sobjects/ContentVersion', {
      Title: 'Quarterly report',
      PathOnClient: 'reports/Q1 Report.pdf',
      VersionData: BYTES.toString('base64'),
      FirstPublishLocationId: account.id,
    })
    expect(res.status).toBe(201)
    const id = (res.body as { id: string }).id
    expect(id.startsWith('068')).toBe(true)
    const [version] = await query(
      `SELECT Title, ContentDocumentId, ContentSize, FileType, FileExtension, VersionNumber, IsLatest, Checksum, VersionData FROM ContentVersion WHERE Id = '${id}'`,
    )
    expect(version).toMatchObject({
      Title: 'Quarterly report',
      ContentSize: 512,
      FileType: 'PDF',
      FileExtension: 'pdf',
      VersionNumber: '1',
      IsLatest: true,
      VersionData: `/services/data/v62.0/sobjects/ContentVersion/${id}/VersionData`,
    })
    const docId = version!.ContentDocumentId as string
    const [doc] = await query(
      `SELECT Title, LatestPublishedVersionId, ContentSize, FileType FROM ContentDocument WHERE Id = '${docId}'`,
    )
    expect(doc).toMatchObject({
      Title: 'Quarterly report',
      LatestPublishedVersionId: id,
      ContentSize: 512,
      FileType: 'PDF',
    })
    const links = await query(
      `SELECT LinkedEntityId, ShareType FROM ContentDocumentLink WHERE ContentDocumentId = '${docId}'`,
    )
    expect(links.map((l) => l.LinkedEntityId).sort()).toEqual([account.id, userId].sort())

    const got = await download(`/services/data/v62.0/sobjects/ContentVersion/${id}/VersionData`)
    expect(got.status).toBe(200)
    expect(got.type).toBe('application/pdf')
    expect(got.bytes.equals(BYTES)).toBe(true)
    // The record answers the URL of the bytes, never the bytes.
    const rec = (await api('GET', `/sobjects/ContentVersion/${id}`)).body as Record<string, unknown>
    expect(rec.VersionData).toBe(`/services/data/v62.0/sobjects/ContentVersion/${id}/VersionData`)
  })

  it('creates a ContentVersion from multipart entity_content and binary VersionData parts', async () => {
    const boundary = 'boundary_string_for_files_test'
    const head = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="entity_content";',
      'Content-Type: application/json',
      '',
      JSON.stringify({ Title: 'Logo', PathOnClient: 'logo.png', ReasonForChange: 'first' }),
      `--${boundary}`,
      'Content-Disposition: form-data; name="VersionData"; filename="logo.png"',
      'Content-Type: application/octet-stream',
      '',
      '',
    ].join('\r\n')
    const body = Buffer.concat([Buffer.from(head), BYTES, Buffer.from(`\r\n--${boundary}--\r\n`)])
    const res = await fetch(`${emu.url}/services/data/v62.0/sobjects/ContentVersion`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary="${boundary}"`,
      },
      body,
    })
    expect(res.status).toBe(201)
    const { id } = (await res.json()) as { id: string }
    const got = await download(`/services/data/v62.0/sobjects/ContentVersion/${id}/VersionData`)
    expect(got.type).toBe('image/png')
    expect(got.bytes.equals(BYTES)).toBe(true)

    // A second version of the same document: version 2 becomes the latest.
    const [first] = await query(`SELECT ContentDocumentId FROM ContentVersion WHERE Id = '${id}'`)
    const v2 = await api('POST', '/sobjects/ContentVersion', {
      ContentDocumentId: first!.ContentDocumentId,
      PathOnClient: 'logo-v2.png',
      VersionData: Buffer.from('v2').toString('base64'),
      ReasonForChange: 'smaller',
    })
    expect(v2.status).toBe(201)
    const versions = await query(
      `SELECT VersionNumber, IsLatest, Title FROM ContentVersion WHERE ContentDocumentId = '${String(first!.ContentDocumentId)}' ORDER BY VersionNumber`,
    )
    expect(versions).toEqual([
      expect.objectContaining({ VersionNumber: '1', IsLatest: false }),
      expect.objectContaining({ VersionNumber: '2', IsLatest: true, Title: 'logo-v2' }),
    ])
  })

  it('refuses a file without bytes or path, and a body that is not base64, leaving nothing behind', async () => {
    const before = (await query('SELECT Id FROM ContentDocument')).length
    const missing = await api('POST', '/sobjects/ContentVersion', { Title: 'empty' })
    expect(missing.status).toBe(400)
    expect(missing.body).toEqual([
      {
        errorCode: 'REQUIRED_FIELD_MISSING',
        message: 'Required fields are missing: [PathOnClient, VersionData]',
        fields: ['PathOnClient', 'VersionData'],
      },
    ])
    const bad = await api('POST', '/sobjects/ContentVersion', {
      PathOnClient: 'x.txt',
      VersionData: 'not base64!',
    })
    expect(bad.status).toBe(400)
    expect((await query('SELECT Id FROM ContentDocument')).length).toBe(before)
  })
})
