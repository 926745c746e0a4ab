// Creating a file as Salesforce does: a new ContentVersion (the bytes) makes its
// ContentDocument unless it names one (then it is that document's next version), computes
// size, checksum, type and version number, and links the document to its owner and to the
// record given in FirstPublishLocationId.

import { createHash } from 'node:crypto'
import { ApiError, type RecordRow } from '../model/index.js'
import { formatDateTime } from '../org/sf-datetime.js'
import type { OrgStore } from '../org/org-store.js'
import { extensionOf, fileTypeOf, titleOf } from './file-types.js'

export interface FileWrite {
  userId: string
  now: Date
}

/** Salesforce's own maximum for a file uploaded through the REST API (2 GB); JSON is 50 MB. */
const MISSING = (names: string[]) =>
  new ApiError(
    400,
    'REQUIRED_FIELD_MISSING',
    `Required fields are missing: [${names.join(', ')}]`,
    names,
  )

/**
 * Creates a ContentVersion from its fields (VersionData as base64) and answers its id.
 * Runs in one store transaction: a refusal leaves no document or link behind.
 */
export function createContentVersion(
  store: OrgStore,
  input: Record<string, unknown>,
  w: FileWrite,
): string {
  const fields = Object.fromEntries(
    Object.entries(input).filter(([k]) => k !== 'attributes'),
  ) as Record<string, unknown>
  const get = (name: string): unknown =>
    Object.entries(fields).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]
  const location = typeof get('ContentLocation') === 'string' ? String(get('ContentLocation')) : 'S'
  // A file kept in Salesforce (location S) needs its bytes and its client path.
  if (location === 'S') {
    const missing = ['PathOnClient', 'VersionData'].filter(
      (n) => get(n) === undefined || get(n) === null || get(n) === '',
    )
    if (missing.length > 0) throw MISSING(missing)
  }
  const path = typeof get('PathOnClient') === 'string' ? String(get('PathOnClient')) : ''
  // [B] Without a Title, the file name (without folders and extension) is the title.
  if (get('Title') === undefined && path !== '') fields.Title = titleOf(path)

  return store.transaction(() => {
    const stamp = formatDateTime(w.now)
    const audit = {
      CreatedDate: stamp,
      CreatedById: w.userId,
      LastModifiedDate: stamp,
      LastModifiedById: w.userId,
      SystemModstamp: stamp,
    }
    const existingDocId = get('ContentDocumentId')
    let docId: string
    let versionNumber = 1
    if (typeof existingDocId === 'string' && existingDocId !== '') {
      const doc = store.getRow('ContentDocument', existingDocId)
      if (!doc || doc.IsDeleted) {
        throw new ApiError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [
          'ContentDocumentId',
        ])
      }
      docId = doc.Id
      for (const v of [...store.rows('ContentVersion')]) {
        if (v.ContentDocumentId !== docId || v.IsDeleted) continue
        versionNumber++
        if (v.IsLatest) store.insertRaw('ContentVersion', { ...v, IsLatest: false })
      }
    } else {
      docId = store.newId('069')
      store.insertRaw('ContentDocument', {
        Id: docId,
        IsDeleted: false,
        OwnerId: w.userId,
        Title: fields.Title ?? null,
        PublishStatus: 'R',
        SharingOption: 'A',
        SharingPrivacy: 'N',
        ...audit,
      })
    }
    const { id } = store.create(
      'ContentVersion',
      { ...fields, ContentDocumentId: docId },
      { userId: w.userId },
    )
    const row = store.getRow('ContentVersion', id)!
    const bytes =
      typeof row.VersionData === 'string' ? Buffer.from(row.VersionData, 'base64') : Buffer.alloc(0)
    const ext = extensionOf(path)
    const publishedTo =
      typeof row.FirstPublishLocationId === 'string' ? row.FirstPublishLocationId : null
    const computed: Partial<RecordRow> = {
      IsLatest: true,
      VersionNumber: String(versionNumber),
      ContentSize: bytes.length,
      Checksum: createHash('md5').update(bytes).digest('hex'),
      FileExtension: ext === '' ? null : ext,
      FileType: fileTypeOf(ext),
      PublishStatus: publishedTo ? 'P' : 'R',
      ContentModifiedDate: row.ContentModifiedDate ?? stamp,
      ContentModifiedById: w.userId,
      Origin: row.Origin ?? 'C',
      ContentLocation: row.ContentLocation ?? 'S',
      SharingOption: row.SharingOption ?? 'A',
      SharingPrivacy: row.SharingPrivacy ?? 'N',
      IsMajorVersion: row.IsMajorVersion ?? true,
      VersionDataUrl: null,
      RatingCount: 0,
      PositiveRatingCount: 0,
      NegativeRatingCount: 0,
    }
    store.insertRaw('ContentVersion', { ...row, ...computed })
    const doc = store.getRow('ContentDocument', docId)!
    store.insertRaw('ContentDocument', {
      ...doc,
      Title: row.Title,
      LatestPublishedVersionId: id,
      ContentSize: computed.ContentSize,
      FileType: computed.FileType,
      FileExtension: computed.FileExtension,
      PublishStatus: computed.PublishStatus,
      ContentModifiedDate: computed.ContentModifiedDate,
      LastModifiedDate: stamp,
      LastModifiedById: w.userId,
      SystemModstamp: stamp,
    })
    if (versionNumber === 1) {
      // The owner's link (ShareType I, inferred) comes with every new document; the first
      // publish location gets one too.
      const links = [w.userId, ...(publishedTo && publishedTo !== w.userId ? [publishedTo] : [])]
      for (const linked of links) {
        store.insertRaw('ContentDocumentLink', {
          Id: store.newId('06A'),
          IsDeleted: false,
          LinkedEntityId: linked,
          ContentDocumentId: docId,
          ShareType: 'I',
          Visibility: 'AllUsers',
          SystemModstamp: stamp,
        })
      }
    }
    return id
  })
}
