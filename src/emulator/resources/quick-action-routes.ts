// Quick actions: `/quickActions` (global) and `sobjects/{Type}/quickActions` (object), each
// action's entry, describe and default values, and invoking one (POST) to create its record.

import type { FastifyInstance } from 'fastify'
import { ApiError, type ObjectDef } from '../model/index.js'
import { readJsonObject } from '../server/read-json-body.js'
import type { EmulatorState } from '../server/emulator-state.js'
import { fixedId, objectIndex } from './fixed-id.js'
import { globalActions, objectActions, type QuickAction } from './quick-actions.js'
import { fieldItems } from './layout-body.js'

const notFound = () => new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')

export function registerQuickActionRoutes(app: FastifyInstance, state: EmulatorState): void {
  const store = state.store
  const requireType = (type: string): ObjectDef => {
    const obj = store.getObject(type)
    if (!obj) throw notFound()
    return obj
  }
  const idOf = (owner: ObjectDef | null, i: number) =>
    fixedId('09D', (owner ? objectIndex(store.objects(), owner.name) : 0) * 100 + i + 1)
  const baseUrl = (owner: ObjectDef | null, version: string) =>
    owner
      ? `/services/data/v${version}/sobjects/${owner.name}/quickActions`
      : `/services/data/v${version}/quickActions`
  const fullName = (owner: ObjectDef | null, a: QuickAction) =>
    owner ? `${owner.name}.${a.name}` : a.name

  const entry = (owner: ObjectDef | null, a: QuickAction, i: number, version: string) => {
    const url = `${baseUrl(owner, version)}/${a.name}`
    return {
      actionEnumOrId: a.type === 'LogACall' ? 'LogACall' : idOf(owner, i),
      label: a.label,
      name: fullName(owner, a),
      type: a.type,
      urls: {
        defaultValuesTemplate: `${url}/defaultValues/{ID}`,
        quickAction: url,
        describe: `${url}/describe`,
        defaultValues: `${url}/defaultValues`,
      },
    }
  }

  const describeAction = (owner: ObjectDef | null, a: QuickAction, i: number) => {
    const target = store.getObject(a.targetSobjectType)!
    const shown = target.fields.filter((f) => f.required || f.nameField).filter((f) => f.createable)
    return {
      accessLevelRequired: null,
      actionEnumOrId: a.type === 'LogACall' ? 'LogACall' : idOf(owner, i),
      canvasApplicationId: null,
      canvasApplicationName: null,
      colors: [],
      contextSobjectType: owner?.name ?? null,
      defaultValues: [],
      flowDevName: null,
      flowRecordIdVar: null,
      height: null,
      iconName: null,
      iconUrl: null,
      icons: [],
      label: a.label,
      layout: {
        layoutRows: [{ layoutItems: fieldItems(shown), numItems: shown.length }],
        useCollapsibleSection: false,
        useHeading: false,
      },
      lightningComponentBundleId: null,
      lightningComponentBundleName: null,
      lightningComponentQualifiedName: null,
      miniIconUrl: null,
      mobileExtensionDisplayMode: null,
      mobileExtensionId: null,
      name: fullName(owner, a),
      showQuickActionLcHeader: false,
      showQuickActionVfHeader: false,
      targetParentField: a.targetParentField,
      targetRecordTypeId: null,
      targetSobjectType: a.targetSobjectType,
      type: a.type,
      visualforcePageName: null,
      visualforcePageUrl: null,
      width: null,
    }
  }

  const find = (owner: ObjectDef | null, name: string) => {
    const list = owner ? objectActions(store, owner) : globalActions(store)
    const short = name.includes('.') ? name.slice(name.indexOf('.') + 1) : name
    const i = list.findIndex((a) => a.name.toLowerCase() === short.toLowerCase())
    if (i < 0) throw notFound()
    return { a: list[i]!, i }
  }

  app.get('/services/data/:version/quickActions', (request) =>
    globalActions(store).map((a, i) => entry(null, a, i, request.apiVersion)),
  )
  app.get<{ Params: { type: string } }>(
    '/services/data/:version/sobjects/:type/quickActions',
    (request) => {
      const obj = requireType(request.params.type)
      return objectActions(store, obj).map((a, i) => entry(obj, a, i, request.apiVersion))
    },
  )

  for (const scoped of [false, true]) {
    const base = scoped
      ? '/services/data/:version/sobjects/:type/quickActions/:action'
      : '/services/data/:version/quickActions/:action'
    type P = { type?: string; action: string }
    const ownerOf = (p: P) => (p.type === undefined ? null : requireType(p.type))

    app.get<{ Params: P }>(base, (request) => {
      const owner = ownerOf(request.params)
      const { a, i } = find(owner, request.params.action)
      return entry(owner, a, i, request.apiVersion)
    })
    app.get<{ Params: P }>(`${base}/describe`, (request) => {
      const owner = ownerOf(request.params)
      const { a, i } = find(owner, request.params.action)
      return describeAction(owner, a, i)
    })
    app.get<{ Params: P }>(`${base}/defaultValues`, (request) => {
      const owner = ownerOf(request.params)
      const { a } = find(owner, request.params.action)
      return { attributes: { type: a.targetSobjectType } }
    })
    app.get<{ Params: P & { contextId: string } }>(
      `${base}/defaultValues/:contextId`,
      (request) => {
        const owner = ownerOf(request.params)
        const { a } = find(owner, request.params.action)
        const out: Record<string, unknown> = { attributes: { type: a.targetSobjectType } }
        if (a.targetParentField) out[a.targetParentField] = request.params.contextId
        return out
      },
    )
    // Invoking an action creates its record, the context record set as its parent.
    app.post<{ Params: P }>(base, async (request, reply) => {
      const owner = ownerOf(request.params)
      const { a } = find(owner, request.params.action)
      const body = readJsonObject(request.body)
      const record = (body.record ?? {}) as Record<string, unknown>
      if (typeof record !== 'object' || Array.isArray(record)) {
        throw new ApiError(400, 'JSON_PARSER_ERROR', 'record must be a JSON object')
      }
      const contextId = typeof body.contextId === 'string' ? body.contextId : null
      const fields = { ...record }
      delete fields.attributes
      if (a.type === 'LogACall') fields.Status ??= 'Completed'
      if (contextId && a.targetParentField) fields[a.targetParentField] ??= contextId
      const { id } = store.create(a.targetSobjectType, fields, { userId: request.session.userId })
      return reply.code(201).send({
        contextId,
        created: true,
        errors: [],
        feedItemIds: null,
        id,
        ids: [id],
        success: true,
      })
    })
  }
}
