// sObject describe and row routes (salesforce-api.md §2.2–2.4): describeGlobal, basic info,
// create, describe, retrieve/update/delete by id, and get/upsert/delete by external id.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, MultipleMatchesError, type ObjectDef, type RecordRow } from '../model/index.js'
import { toId18 } from '../ids/record-id.js'
import { httpDate } from '../org/sf-datetime.js'
import { readJsonObject } from '../server/read-json-body.js'
import type { EmulatorState } from '../server/emulator-state.js'
import { describeObject, globalEntry } from './describe.js'
import { recordOutput, recordUrl, selectFields } from './record-output.js'
import { recentEntry } from '../resources/recent-routes.js'
import { binaryField, createContentVersionReply, sendBinary } from '../files/index.js'

type TypeParams = { type: string }
type RowParams = { type: string; id: string }
type ExtParams = { type: string; field: string; value: string }

const notFound = (): ApiError =>
  new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')

/** Upsert answers 200/201 with `created` from API 46.0; older versions answer 204 on update. */
const CREATED_FLAG_VERSION = 46

function methodNotAllowed(allowed: string) {
  return async (request: FastifyRequest, reply: FastifyReply) =>
    reply.code(405).send([
      {
        errorCode: 'METHOD_NOT_ALLOWED',
        message: `HTTP Method '${request.method}' not allowed. Allowed are ${allowed}`,
      },
    ])
}

export function registerSObjectRoutes(app: FastifyInstance, state: EmulatorState): void {
  const store = state.store
  // The schema is fixed for the emulator's life: describe changes only at start.
  const schemaDate = new Date(Math.floor(state.now().getTime() / 1000) * 1000)

  const requireType = (type: string): ObjectDef => {
    const obj = store.getObject(type)
    if (!obj) throw notFound()
    return obj
  }

  /** The live row at `/sobjects/{type}/{id}`; Salesforce's 404s otherwise. */
  const requireRow = (obj: ObjectDef, id: string): RecordRow => {
    const id18 = toId18(id)
    // [B] A path segment that is not an id is read as an external id field name.
    if (id18 === undefined) {
      throw new ApiError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${id}`,
      )
    }
    const row = store.getRow(obj.name, id18)
    if (!row) throw notFound()
    if (row.IsDeleted) throw new ApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted', [])
    return row
  }

  const sendRecord = (
    reply: FastifyReply,
    obj: ObjectDef,
    row: RecordRow,
    version: string,
    fieldsParam: string | undefined,
  ) => {
    const fields = selectFields(obj, fieldsParam)
    if (typeof row.LastModifiedDate === 'string')
      reply.header('last-modified', httpDate(row.LastModifiedDate))
    return reply.send(recordOutput(obj, row, version, fields))
  }

  /** Rows matching an external id value; 404 when the field is not an external id. */
  const matchExternal = (obj: ObjectDef, field: string, value: string): RecordRow[] => {
    const f = store.field(obj.name, field)
    if (!f || !(f.externalId || f.name === 'Id')) throw notFound()
    if (f.name === 'Id') {
      const row = store.getRow(obj.name, value)
      return row && !row.IsDeleted ? [row] : []
    }
    return store.findByField(obj.name, f.name, value).map((id) => store.getRow(obj.name, id)!)
  }

  const multipleChoices = (reply: FastifyReply, obj: ObjectDef, ids: string[], version: string) =>
    reply.code(300).send(ids.map((id) => recordUrl(obj.name, id, version)))

  const base = '/services/data/:version/sobjects'

  app.get(base, (request) => ({
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: store.objects().map((o) => globalEntry(o, request.apiVersion)),
  }))

  app.get<{ Params: TypeParams }>(`${base}/:type`, (request) => {
    const obj = requireType(request.params.type)
    const recentItems = state.recent
      .list(request.session.userId)
      .filter((r) => r.objectName === obj.name)
      .flatMap((r) => {
        const row = store.getRow(obj.name, r.id)
        return row && !row.IsDeleted ? [recentEntry(state, obj.name, row, request.apiVersion)] : []
      })
    return { objectDescribe: globalEntry(obj, request.apiVersion), recentItems }
  })

  app.post<{ Params: TypeParams }>(`${base}/:type`, async (request, reply) => {
    const obj = requireType(request.params.type)
    // A file: its document and links come with it, and it may arrive as multipart.
    if (obj.name === 'ContentVersion') return createContentVersionReply(state, request, reply)
    const { id } = store.create(obj.name, readJsonObject(request.body), {
      userId: request.session.userId,
    })
    reply.header('location', recordUrl(obj.name, id, request.apiVersion))
    return reply.code(201).send({ id, success: true, errors: [] })
  })
  app.route({
    method: ['PUT', 'PATCH', 'DELETE'],
    url: `${base}/:type`,
    handler: methodNotAllowed('GET,HEAD,POST'),
  })

  app.get<{ Params: TypeParams }>(`${base}/:type/describe`, async (request, reply) => {
    const obj = requireType(request.params.type)
    const since = request.headers['if-modified-since']
    if (
      since !== undefined &&
      !Number.isNaN(Date.parse(since)) &&
      Date.parse(since) >= schemaDate.getTime()
    ) {
      return reply.code(304).send()
    }
    reply.header('last-modified', schemaDate.toUTCString())
    return describeObject(obj, request.apiVersion)
  })

  app.get<{ Params: RowParams; Querystring: { fields?: string } }>(
    `${base}/:type/:id`,
    async (request, reply) => {
      const obj = requireType(request.params.type)
      const row = requireRow(obj, request.params.id)
      // Retrieving a record by id counts as viewing it (the user's recent items).
      state.recent.touch(request.session.userId, obj, row)
      return sendRecord(reply, obj, row, request.apiVersion, request.query.fields)
    },
  )

  app.patch<{ Params: RowParams }>(`${base}/:type/:id`, async (request, reply) => {
    const obj = requireType(request.params.type)
    const row = requireRow(obj, request.params.id)
    store.update(obj.name, row.Id, readJsonObject(request.body), { userId: request.session.userId })
    return reply.code(204).send()
  })

  app.delete<{ Params: RowParams }>(`${base}/:type/:id`, async (request, reply) => {
    const obj = requireType(request.params.type)
    const row = requireRow(obj, request.params.id)
    store.delete(obj.name, row.Id, { userId: request.session.userId })
    return reply.code(204).send()
  })
  app.route({
    method: ['POST', 'PUT'],
    url: `${base}/:type/:id`,
    handler: methodNotAllowed('GET,HEAD,PATCH,DELETE'),
  })

  app.get<{ Params: ExtParams; Querystring: { fields?: string } }>(
    `${base}/:type/:field/:value`,
    async (request, reply) => {
      const obj = requireType(request.params.type)
      // `/{id}/VersionData`: the bytes of a binary field.
      const blob = binaryField(obj, request.params.value)
      if (blob && toId18(request.params.field) !== undefined)
        return sendBinary(reply, obj, requireRow(obj, request.params.field), blob)
      const rows = matchExternal(obj, request.params.field, request.params.value)
      if (rows.length === 0) throw notFound()
      if (rows.length > 1)
        return multipleChoices(
          reply,
          obj,
          rows.map((r) => r.Id),
          request.apiVersion,
        )
      return sendRecord(reply, obj, rows[0]!, request.apiVersion, request.query.fields)
    },
  )

  app.patch<{ Params: ExtParams }>(`${base}/:type/:field/:value`, async (request, reply) => {
    const obj = requireType(request.params.type)
    const body = readJsonObject(request.body)
    const version = request.apiVersion
    try {
      const result = store.upsert(obj.name, request.params.field, request.params.value, body, {
        userId: request.session.userId,
      })
      const withFlag = Number(version) >= CREATED_FLAG_VERSION
      if (result.created) {
        reply.header('location', recordUrl(obj.name, result.id, version))
        const out = { id: result.id, success: true, errors: [] }
        return reply.code(201).send(withFlag ? { ...out, created: true } : out)
      }
      if (!withFlag) return reply.code(204).send()
      return reply.code(200).send({ id: result.id, success: true, errors: [], created: false })
    } catch (err) {
      if (err instanceof MultipleMatchesError) return multipleChoices(reply, obj, err.ids, version)
      throw err
    }
  })

  app.delete<{ Params: ExtParams }>(`${base}/:type/:field/:value`, async (request, reply) => {
    const obj = requireType(request.params.type)
    const rows = matchExternal(obj, request.params.field, request.params.value)
    if (rows.length === 0) throw notFound()
    if (rows.length > 1)
      return multipleChoices(
        reply,
        obj,
        rows.map((r) => r.Id),
        request.apiVersion,
      )
    store.delete(obj.name, rows[0]!.Id, { userId: request.session.userId })
    return reply.code(204).send()
  })
  app.route({
    method: ['POST', 'PUT'],
    url: `${base}/:type/:field/:value`,
    handler: methodNotAllowed('GET,HEAD,PATCH,DELETE'),
  })
}
