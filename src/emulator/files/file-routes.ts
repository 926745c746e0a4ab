// Files over REST: creating a ContentVersion from JSON (VersionData in base64) or from
// multipart/form-data (an `entity_content` JSON part and a `VersionData` binary part), and
// serving a binary field's bytes at `sobjects/{Type}/{id}/{Field}`.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, type FieldDef, type ObjectDef } from '../model/index.js'
import { recordUrl } from '../data/record-output.js'
import { readJsonObject } from '../server/read-json-body.js'
import type { EmulatorState } from '../server/emulator-state.js'
import { createContentVersion } from './content-version.js'
import { extensionOf, mimeTypeOf } from './file-types.js'
import { boundaryOf, parseMultipart } from './multipart.js'

/** Multipart bodies arrive as bytes (every other body is read as text). */
export function registerMultipartParser(app: FastifyInstance): void {
  app.addContentTypeParser(/^multipart\/form-data/i, { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  )
}

/** The fields of a ContentVersion upload, from either documented request form. */
function uploadFields(request: FastifyRequest): Record<string, unknown> {
  const boundary = boundaryOf(request.headers['content-type'])
  if (boundary === undefined) return readJsonObject(request.body)
  const body = Buffer.isBuffer(request.body)
    ? request.body
    : Buffer.from(typeof request.body === 'string' ? request.body : '')
  let parts
  try {
    parts = parseMultipart(body, boundary)
  } catch (err) {
    throw new ApiError(
      400,
      'MALFORMED_REQUEST',
      `The multipart body cannot be read: ${(err as Error).message}`,
    )
  }
  const entity = parts.find((p) => p.name === 'entity_content' || p.name === 'entity_document')
  if (!entity) {
    throw new ApiError(
      400,
      'MALFORMED_REQUEST',
      "The multipart body has no 'entity_content' part with the record's fields",
    )
  }
  const fields = readJsonObject(entity.data.toString('utf8'))
  const data = parts.find((p) => p.name === 'VersionData')
  if (data) {
    fields.VersionData = data.data.toString('base64')
    if (fields.PathOnClient === undefined && data.filename) fields.PathOnClient = data.filename
  }
  return fields
}

export async function createContentVersionReply(
  state: EmulatorState,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const id = createContentVersion(state.store, uploadFields(request), {
    userId: request.session.userId,
    now: state.now(),
  })
  reply.header('location', recordUrl('ContentVersion', id, request.apiVersion))
  return reply.code(201).send({ id, success: true, errors: [] })
}

/** The binary field named by the last path segment (`VersionData`), if it is one. */
export function binaryField(obj: ObjectDef, name: string): FieldDef | undefined {
  return obj.fields.find((f) => f.type === 'base64' && f.name.toLowerCase() === name.toLowerCase())
}

/** Sends a binary field's bytes with the type its file name implies. */
export function sendBinary(
  reply: FastifyReply,
  obj: ObjectDef,
  row: Record<string, unknown>,
  f: FieldDef,
): FastifyReply {
  const value = row[f.name]
  if (typeof value !== 'string') {
    throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
  }
  const path = typeof row.PathOnClient === 'string' ? row.PathOnClient : ''
  return reply
    .code(200)
    .type(
      obj.name === 'ContentVersion' ? mimeTypeOf(extensionOf(path)) : 'application/octet-stream',
    )
    .send(Buffer.from(value, 'base64'))
}
