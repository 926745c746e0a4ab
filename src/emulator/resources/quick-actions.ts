// The standard quick actions of a new org: global actions (new records, log a call) and the
// object actions that create related records (a contact from an account, activities from
// anything an activity can relate to).

import type { ObjectDef, OrgReader } from '../model/index.js'

export interface QuickAction {
  /** e.g. `NewContact`, `LogACall`; object actions are named `<Object>.<Name>` in describe. */
  name: string
  label: string
  type: 'Create' | 'LogACall'
  targetSobjectType: string
  /** The lookup on the new record that points to the context record, when there is one. */
  targetParentField: string | null
}

const GLOBAL: QuickAction[] = [
  ['NewAccount', 'New Account', 'Account'],
  ['NewCase', 'New Case', 'Case'],
  ['NewContact', 'New Contact', 'Contact'],
  ['NewEvent', 'New Event', 'Event'],
  ['NewLead', 'New Lead', 'Lead'],
  ['NewOpportunity', 'New Opportunity', 'Opportunity'],
  ['NewTask', 'New Task', 'Task'],
].map(([name, label, target]) => ({
  name: name!,
  label: label!,
  type: 'Create' as const,
  targetSobjectType: target!,
  targetParentField: null,
}))
GLOBAL.push({
  name: 'LogACall',
  label: 'Log a Call',
  type: 'LogACall',
  targetSobjectType: 'Task',
  targetParentField: null,
})

export function globalActions(org: OrgReader): QuickAction[] {
  return GLOBAL.filter((a) => org.getObject(a.targetSobjectType))
}

/** Object actions: new children through a lookup the object has, and activities. */
export function objectActions(org: OrgReader, obj: ObjectDef): QuickAction[] {
  const out: QuickAction[] = []
  const child = (target: string, field: string, label: string) => {
    const t = org.getObject(target)
    const f = t?.fields.find((x) => x.name === field)
    if (t && f?.referenceTo.includes(obj.name) && f.createable)
      out.push({
        name: `New${target}`,
        label,
        type: 'Create',
        targetSobjectType: target,
        targetParentField: field,
      })
  }
  if (obj.name === 'Account') {
    child('Contact', 'AccountId', 'New Contact')
    child('Opportunity', 'AccountId', 'New Opportunity')
    child('Case', 'AccountId', 'New Case')
  }
  for (const target of ['Task', 'Event']) {
    const t = org.getObject(target)
    const who = t?.fields.find((f) => f.name === 'WhoId')?.referenceTo.includes(obj.name)
    const what = t?.fields.find((f) => f.name === 'WhatId')?.referenceTo.includes(obj.name)
    if (!who && !what) continue
    const field = who ? 'WhoId' : 'WhatId'
    if (target === 'Task') {
      out.push({
        name: 'LogACall',
        label: 'Log a Call',
        type: 'LogACall',
        targetSobjectType: 'Task',
        targetParentField: field,
      })
      out.push({
        name: 'NewTask',
        label: 'New Task',
        type: 'Create',
        targetSobjectType: 'Task',
        targetParentField: field,
      })
    } else {
      out.push({
        name: 'NewEvent',
        label: 'New Event',
        type: 'Create',
        targetSobjectType: 'Event',
        targetParentField: field,
      })
    }
  }
  return out
}
