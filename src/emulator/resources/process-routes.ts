// `/process/rules` (the org file's active workflow rules; triggering them succeeds and runs
// no actions) and `/process/approvals` (the org file's approval processes; submitting a
// record opens a pending instance with one work item, which approving or rejecting closes).

import type { FastifyInstance } from 'fastify'
import { ApiError } from '../model/index.js'
import { toId18 } from '../ids/record-id.js'
import { readJsonObject } from '../server/read-json-body.js'
import type { EmulatorState } from '../server/emulator-state.js'
import {
  approvalProcesses,
  byObject,
  processRules,
  type ProcessRule,
} from './process-definitions.js'

interface PendingItem {
  instanceId: string
  entityId: string
}

const ACTIONS = new Set(['Submit', 'Approve', 'Reject', 'Removed'])

function ruleBody(r: ProcessRule): Record<string, unknown> {
  return {
    actions: r.actions,
    description: r.description,
    id: r.id,
    name: r.name,
    namespacePrefix: null,
    object: r.object,
  }
}

export function registerProcessRoutes(app: FastifyInstance, state: EmulatorState): void {
  const rules = processRules(state.config).filter((r) => r.active)
  const approvals = approvalProcesses(state.config)
  const pending = new Map<string, PendingItem>()
  const base = '/services/data/:version/process'

  app.get(`${base}/rules`, () => ({
    rules: byObject(rules.map((r) => ({ ...ruleBody(r), object: r.object }))),
  }))
  app.get<{ Params: { sobject: string } }>(`${base}/rules/:sobject`, (request) => {
    const obj = state.store.getObject(request.params.sobject)
    if (!obj) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
    // [B] The same grouping as the full list, narrowed to the object.
    return { rules: { [obj.name]: rules.filter((r) => r.object === obj.name).map(ruleBody) } }
  })
  app.get<{ Params: { sobject: string; id: string } }>(`${base}/rules/:sobject/:id`, (request) => {
    const rule = rules.find(
      (r) =>
        r.object.toLowerCase() === request.params.sobject.toLowerCase() &&
        r.id.slice(0, 15) === request.params.id.slice(0, 15),
    )
    if (!rule) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
    return ruleBody(rule)
  })
  app.post(`${base}/rules`, (request) => {
    const body = readJsonObject(request.body)
    const ids = body.contextIds
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((i) => typeof i !== 'string')) {
      throw new ApiError(
        400,
        'JSON_PARSER_ERROR',
        'contextIds must be a non-empty array of record ids',
      )
    }
    for (const id of ids as string[]) {
      const obj = state.store.objectForId(id)
      if (!obj || !state.store.getRow(obj.name, id)) {
        throw new ApiError(400, 'INVALID_ID_FIELD', `invalid record id: ${id}`)
      }
    }
    return { errors: null, success: true }
  })

  app.get(`${base}/approvals`, () => ({
    approvals: byObject(
      approvals.map((p) => ({
        description: p.description,
        id: p.id,
        name: p.name,
        object: p.object,
        sortOrder: p.sortOrder,
      })),
    ),
  }))

  app.post(`${base}/approvals`, (request) => {
    const body = readJsonObject(request.body)
    const requests = body.requests
    if (!Array.isArray(requests) || requests.length === 0) {
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'requests must be a non-empty array')
    }
    const userId = request.session.userId
    return requests.map((raw: unknown) => {
      const r = (raw ?? {}) as Record<string, unknown>
      const actionType = typeof r.actionType === 'string' ? r.actionType : ''
      const contextId = typeof r.contextId === 'string' ? (toId18(r.contextId) ?? '') : ''
      if (!ACTIONS.has(actionType)) {
        throw new ApiError(
          400,
          'INVALID_OPERATION',
          `actionType must be Submit, Approve, Reject or Removed: ${actionType}`,
        )
      }
      if (actionType === 'Submit') {
        const obj = state.store.objectForId(contextId)
        const row = obj ? state.store.getRow(obj.name, contextId) : undefined
        if (!obj || !row || row.IsDeleted) {
          throw new ApiError(
            400,
            'INVALID_CROSS_REFERENCE_KEY',
            `invalid cross reference id: ${String(r.contextId)}`,
          )
        }
        const wanted =
          typeof r.processDefinitionNameOrId === 'string' ? r.processDefinitionNameOrId : undefined
        const process = approvals.find(
          (p) =>
            p.object === obj.name &&
            (wanted === undefined ||
              p.name === wanted ||
              p.id.slice(0, 15) === wanted.slice(0, 15)),
        )
        // [B] Salesforce's REST wording when no process applies.
        if (!process) {
          throw new ApiError(
            400,
            'NO_APPLICABLE_PROCESS',
            'No applicable approval process was found.',
          )
        }
        const instanceId = state.store.newId('04g')
        const workitemId = state.store.newId('04i')
        pending.set(workitemId, { instanceId, entityId: row.Id })
        return {
          actorIds: [userId],
          entityId: row.Id,
          errors: null,
          instanceId,
          instanceStatus: 'Pending',
          newWorkitemIds: [workitemId],
          success: true,
        }
      }
      const item = pending.get(contextId)
      if (!item) {
        throw new ApiError(
          400,
          'INVALID_CROSS_REFERENCE_KEY',
          `invalid cross reference id: ${String(r.contextId)}`,
        )
      }
      pending.delete(contextId)
      return {
        actorIds: [userId],
        entityId: item.entityId,
        errors: null,
        instanceId: item.instanceId,
        instanceStatus:
          actionType === 'Approve' ? 'Approved' : actionType === 'Reject' ? 'Rejected' : 'Removed',
        newWorkitemIds: [],
        success: true,
      }
    })
  })
}
