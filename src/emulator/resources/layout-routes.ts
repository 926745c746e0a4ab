// Describe layouts (`describe/layouts`, per record type), compact layouts (per object and
// `/compactLayouts?q=`) and approval layouts (one per approval process of the object).

import type { FastifyInstance } from 'fastify'
import { ApiError, type ObjectDef } from '../model/index.js'
import { MASTER_RECORD_TYPE_ID } from '../data/describe.js'
import type { EmulatorState } from '../server/emulator-state.js'
import { objectIndex } from './fixed-id.js'
import { compactLayout, fieldItems, layoutId, pageLayout } from './layout-body.js'
import { approvalProcesses } from './process-definitions.js'

type Params = { type: string }

const notFound = () => new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')

interface RecordTypeRef {
  id: string
  developerName: string
  name: string
  active: boolean
  default: boolean
}

/** Master, then the declared record types; Master is the default when there are none. */
function recordTypes(obj: ObjectDef): RecordTypeRef[] {
  const declared = obj.recordTypes ?? []
  return [
    ...declared,
    {
      id: MASTER_RECORD_TYPE_ID,
      developerName: 'Master',
      name: 'Master',
      active: true,
      default: declared.length === 0,
    },
  ]
}

export function registerLayoutRoutes(app: FastifyInstance, state: EmulatorState): void {
  const store = state.store
  const base = '/services/data/:version/sobjects/:type/describe'
  const requireType = (type: string): ObjectDef => store.getObject(type) ?? throwNotFound()
  const indexOf = (obj: ObjectDef) => objectIndex(store.objects(), obj.name)

  app.get<{ Params: Params }>(`${base}/layouts`, (request) => {
    const obj = requireType(request.params.type)
    const v = request.apiVersion
    const id = layoutId(indexOf(obj))
    const picklists = obj.fields.filter((f) => f.type === 'picklist' && f.updateable)
    return {
      layouts: [pageLayout(obj, indexOf(obj))],
      recordTypeMappings: recordTypes(obj).map((rt) => ({
        available: rt.active,
        defaultRecordTypeMapping: rt.default,
        developerName: rt.developerName,
        layoutId: id,
        master: rt.id === MASTER_RECORD_TYPE_ID,
        name: rt.name,
        picklistsForRecordType: picklists.map((f) => ({
          picklistName: f.name,
          picklistValues: f.picklistValues.map((p) => ({ ...p, validFor: null })),
        })),
        recordTypeId: rt.id,
        urls: { layout: `/services/data/v${v}/sobjects/${obj.name}/describe/layouts/${rt.id}` },
      })),
      recordTypeSelectorRequired: [(obj.recordTypes ?? []).length > 1],
    }
  })

  app.get<{ Params: Params & { recordTypeId: string } }>(
    `${base}/layouts/:recordTypeId`,
    (request) => {
      const obj = requireType(request.params.type)
      const wanted = request.params.recordTypeId.slice(0, 15)
      if (!recordTypes(obj).some((rt) => rt.id.slice(0, 15) === wanted)) throw notFound()
      return pageLayout(obj, indexOf(obj))
    },
  )

  app.get<{ Params: Params }>(`${base}/compactLayouts`, (request) => {
    const obj = requireType(request.params.type)
    const layout = compactLayout(obj, indexOf(obj))
    return {
      compactLayouts: [layout],
      defaultCompactLayoutId: layout.id,
      recordTypeCompactLayoutMappings: recordTypes(obj).map((rt) => ({
        available: rt.active,
        compactLayoutId: layout.id,
        compactLayoutName: 'SYSTEM',
        recordTypeId: rt.id,
        recordTypeName: rt.developerName,
        urls: {
          compactLayout: `/services/data/v${request.apiVersion}/sobjects/${obj.name}/describe/compactLayouts/${rt.id}`,
        },
      })),
    }
  })

  app.get<{ Params: Params & { which: string } }>(`${base}/compactLayouts/:which`, (request) => {
    const obj = requireType(request.params.type)
    const which = request.params.which
    const known =
      which === 'primary' ||
      recordTypes(obj).some((rt) => rt.id.slice(0, 15) === which.slice(0, 15))
    if (!known) throw notFound()
    return compactLayout(obj, indexOf(obj))
  })

  // Several objects' primary compact layouts at once, keyed by object name.
  app.get<{ Querystring: { q?: string } }>('/services/data/:version/compactLayouts', (request) => {
    const names = (request.query.q ?? '').split(',').map((n) => n.trim())
    if (names.every((n) => n === '')) {
      throw new ApiError(400, 'MISSING_ARGUMENT', 'Missing required parameter: q')
    }
    const out: Record<string, unknown> = {}
    for (const name of names) {
      if (name === '') continue
      const obj = store.getObject(name)
      if (!obj) throw new ApiError(400, 'INVALID_TYPE', `sObject type '${name}' is not supported.`)
      out[obj.name] = compactLayout(obj, indexOf(obj))
    }
    return out
  })

  const approvalLayout = (obj: ObjectDef, p: { id: string; name: string }) => {
    // The fields an approver sees: the record's name and owner.
    const shown = obj.fields.filter((f) => f.nameField || f.name === 'OwnerId')
    return {
      id: p.id,
      label: p.name,
      layoutItems: fieldItems(shown),
      name: p.name,
    }
  }

  app.get<{ Params: Params }>(`${base}/approvalLayouts`, (request) => {
    const obj = requireType(request.params.type)
    const processes = approvalProcesses(state.config).filter((p) => p.object === obj.name)
    return { approvalLayouts: processes.map((p) => approvalLayout(obj, p)) }
  })

  app.get<{ Params: Params & { name: string } }>(`${base}/approvalLayouts/:name`, (request) => {
    const obj = requireType(request.params.type)
    const p = approvalProcesses(state.config).find(
      (a) => a.object === obj.name && a.name === request.params.name,
    )
    if (!p) throw notFound()
    return { approvalLayouts: [approvalLayout(obj, p)] }
  })
}

function throwNotFound(): never {
  throw notFound()
}
