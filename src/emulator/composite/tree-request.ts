// `POST /composite/tree/{Type}`: creates record trees (parents with nested children under
// their child relationship names) in one all-or-nothing call; 201 with every referenceId and
// id, or 400 listing only the failing records (salesforce-api.md §4.3).

import { ApiError, type ObjectDef, type OrgWriter, type WriteContext } from '../model/index.js'
import { toRecordErrors, type RecordError } from './record-error.js'
import type { Reply } from './reply.js'

export const MAX_TREE_RECORDS = 200
export const MAX_TREE_TYPES = 5
export const MAX_TREE_DEPTH = 5

interface TreeNode {
  obj: ObjectDef
  referenceId: string
  fields: Record<string, unknown>
  /** Children per lookup field on the child pointing at this record. */
  children: { field: string; nodes: TreeNode[] }[]
}

const invalid = (message: string) => new ApiError(400, 'INVALID_INPUT', message)

class TreeParser {
  count = 0
  readonly types = new Set<string>()
  readonly referenceIds = new Set<string>()

  constructor(private readonly org: OrgWriter) {}

  records(value: unknown, expectedType: string, depth: number): TreeNode[] {
    const records = (value as { records?: unknown } | null)?.records
    if (!Array.isArray(records)) throw invalid('Each tree level needs a "records" array.')
    if (depth > MAX_TREE_DEPTH)
      throw invalid(`Record trees may be at most ${MAX_TREE_DEPTH} levels deep.`)
    return records.map((raw) => this.node(raw, expectedType, depth))
  }

  private node(raw: unknown, expectedType: string, depth: number): TreeNode {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw invalid('Each record must be a JSON object with an attributes map.')
    }
    this.count += 1
    if (this.count > MAX_TREE_RECORDS) {
      throw new ApiError(
        400,
        'LIMIT_EXCEEDED',
        `A tree request may create at most ${MAX_TREE_RECORDS} records in total.`,
      )
    }
    const { attributes, ...rest } = raw as Record<string, unknown>
    const attrs = (typeof attributes === 'object' && attributes !== null ? attributes : {}) as {
      type?: unknown
      referenceId?: unknown
    }
    if (typeof attrs.referenceId !== 'string' || attrs.referenceId === '') {
      throw invalid('Include a reference ID for each record in the request.')
    }
    if (this.referenceIds.has(attrs.referenceId)) {
      throw invalid(`Duplicate ReferenceId provided in the request: ${attrs.referenceId}.`)
    }
    this.referenceIds.add(attrs.referenceId)
    const typeName = typeof attrs.type === 'string' ? attrs.type : expectedType
    const obj = this.org.getObject(typeName)
    if (obj === undefined || obj.name.toLowerCase() !== expectedType.toLowerCase()) {
      throw invalid(
        `Record ${attrs.referenceId} is of type ${typeName}, where ${expectedType} was expected.`,
      )
    }
    this.types.add(obj.name)
    if (this.types.size > MAX_TREE_TYPES) {
      throw invalid(`A tree request may use at most ${MAX_TREE_TYPES} object types.`)
    }
    const fields: Record<string, unknown> = {}
    const children: TreeNode['children'] = []
    for (const [key, value] of Object.entries(rest)) {
      const rel = obj.childRelationships.find(
        (r) => r.relationshipName.toLowerCase() === key.toLowerCase(),
      )
      if (rel !== undefined && typeof value === 'object' && value !== null) {
        children.push({ field: rel.field, nodes: this.records(value, rel.childSObject, depth + 1) })
      } else {
        fields[key] = value
      }
    }
    return { obj, referenceId: attrs.referenceId, fields, children }
  }
}

class RollBack extends Error {}

export function runTree(
  org: OrgWriter,
  typeName: string,
  body: unknown,
  user: WriteContext,
): Reply {
  const root = org.getObject(typeName)
  if (root === undefined)
    throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
  const nodes = new TreeParser(org).records(body, root.name, 1)

  const created: { referenceId: string; id: string }[] = []
  const failed: { referenceId: string; errors: RecordError[] }[] = []
  const save = (node: TreeNode, parent?: { field: string; id: string }) => {
    const fields =
      parent === undefined ? node.fields : { ...node.fields, [parent.field]: parent.id }
    let id: string
    try {
      id = org.create(node.obj.name, fields, user).id
    } catch (err) {
      failed.push({ referenceId: node.referenceId, errors: toRecordErrors(err) })
      return // its children cannot be created without it
    }
    created.push({ referenceId: node.referenceId, id })
    for (const group of node.children) {
      for (const child of group.nodes) save(child, { field: group.field, id })
    }
  }
  try {
    org.transaction(() => {
      for (const node of nodes) save(node)
      if (failed.length > 0) throw new RollBack()
    })
  } catch (err) {
    if (!(err instanceof RollBack)) throw err
    return { status: 400, body: { hasErrors: true, results: failed } }
  }
  return { status: 201, body: { hasErrors: false, results: created } }
}
