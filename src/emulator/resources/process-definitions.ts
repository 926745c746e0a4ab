// The org file's workflow rules and approval processes with their ids (`01Q`, `04a`), as
// `/process/...` and approval layouts list them.

import type { OrgConfig } from '../org/org-file.js'
import { fixedId } from './fixed-id.js'

export interface ApprovalProcess {
  id: string
  name: string
  object: string
  description: string | null
  sortOrder: number
}

export interface ProcessRule {
  id: string
  name: string
  object: string
  description: string | null
  active: boolean
  actions: { id: string; name: string; type: string }[]
}

export function approvalProcesses(config: OrgConfig): ApprovalProcess[] {
  const perObject = new Map<string, number>()
  return config.approvalProcesses.map((p, i) => {
    const order = (perObject.get(p.object) ?? 0) + 1
    perObject.set(p.object, order)
    return {
      id: fixedId('04a', i + 1),
      name: p.name,
      object: p.object,
      description: p.description ?? null,
      sortOrder: p.sortOrder ?? order,
    }
  })
}

/** Action ids by type: field updates `04Y`, alerts `01W`, tasks `00T`, outbound messages `04k`. */
const ACTION_PREFIX: Record<string, string> = {
  FieldUpdate: '04Y',
  Alert: '01W',
  Task: '00T',
  OutboundMessage: '04k',
}

export function processRules(config: OrgConfig): ProcessRule[] {
  let action = 0
  return config.processRules.map((r, i) => ({
    id: fixedId('01Q', i + 1),
    name: r.name,
    object: r.object,
    description: r.description ?? null,
    active: r.active,
    actions: r.actions.map((a) => ({
      id: fixedId(ACTION_PREFIX[a.type] ?? '04Y', ++action),
      name: a.name,
      type: a.type,
    })),
  }))
}

/** Groups by object name, as `/process/rules` and `/process/approvals` answer. */
export function byObject<T extends { object: string }>(items: T[]): Record<string, T[]> {
  const out: Record<string, T[]> = {}
  for (const item of items) (out[item.object] ??= []).push(item)
  return out
}
