// Page layouts, compact layouts and approval layouts as describe answers them, built from
// the object's fields: every org here has the one layout Salesforce creates with an object
// (the editable fields in two columns, then the system information), and the "System
// Default" compact layout (the name field and up to three more).

import type { FieldDef, ObjectDef } from '../model/index.js'
import { fieldDescribe } from '../data/describe.js'
import { fixedId } from './fixed-id.js'

const SYSTEM_FIELDS = new Set([
  'Id',
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
  'LastViewedDate',
  'LastReferencedDate',
  'MasterRecordId',
])

/** Fields shown in a compact layout after the name field, by object. */
const COMPACT_EXTRAS: Record<string, string[]> = {
  Account: ['Phone', 'Website', 'OwnerId'],
  Contact: ['Title', 'AccountId', 'Phone', 'Email'],
  Lead: ['Title', 'Company', 'Phone', 'Email'],
  Opportunity: ['AccountId', 'CloseDate', 'Amount', 'OwnerId'],
  Case: ['Subject', 'Priority', 'Status'],
  Campaign: ['Status', 'StartDate', 'Type'],
  Task: ['ActivityDate', 'WhoId', 'WhatId'],
  Event: ['StartDateTime', 'WhoId', 'WhatId'],
}

function layoutItem(f: FieldDef, tabOrder: number): Record<string, unknown> {
  return {
    editableForNew: f.createable,
    editableForUpdate: f.updateable,
    label: f.label,
    layoutComponents: [
      {
        details: fieldDescribe(f),
        displayLines: f.type === 'textarea' || f.type === 'address' ? 3 : 1,
        tabOrder,
        type: 'Field',
        value: f.name,
      },
    ],
    placeholder: false,
    required: f.required,
  }
}

/** The name field and the object's key fields (compact layouts, list view columns). */
export function keyFields(obj: ObjectDef): FieldDef[] {
  const byName = new Map(obj.fields.map((f) => [f.name, f]))
  const name = obj.fields.find((f) => f.nameField)
  return [
    ...(name ? [name] : []),
    ...(COMPACT_EXTRAS[obj.name] ?? []).flatMap((n) => byName.get(n) ?? []),
  ]
}

/** Layout items for these fields, in order (compact and approval layouts). */
export function fieldItems(fields: FieldDef[]): Record<string, unknown>[] {
  return fields.map((f, i) => layoutItem(f, i + 1))
}

const placeholder = {
  editableForNew: false,
  editableForUpdate: false,
  label: '',
  layoutComponents: [],
  placeholder: true,
  required: false,
}

function section(heading: string, fields: FieldDef[], id: string): Record<string, unknown> {
  const layoutRows: Record<string, unknown>[] = []
  for (let i = 0; i < fields.length; i += 2) {
    const pair = fields.slice(i, i + 2)
    const items = pair.map((f, j) => layoutItem(f, i + j + 1))
    while (items.length < 2) items.push(placeholder)
    layoutRows.push({ layoutItems: items, numItems: 2 })
  }
  return {
    collapsed: false,
    columns: 2,
    heading,
    layoutRows,
    layoutSectionId: id,
    parentLayoutId: null,
    rows: layoutRows.length,
    tabOrder: 'TopToBottom',
    useCollapsibleSection: false,
    useHeading: true,
  }
}

/** The page layout's id for an object (prefix `00h`). */
export function layoutId(objIndex: number): string {
  return fixedId('00h', objIndex)
}

/** One page layout of the object, as `describe/layouts` lists it. */
export function pageLayout(obj: ObjectDef, objIndex: number): Record<string, unknown> {
  const id = layoutId(objIndex)
  // Components of compound fields are edited through the compound (BillingAddress).
  const visible = obj.fields.filter(
    (f) =>
      !SYSTEM_FIELDS.has(f.name) &&
      !f.compoundFieldName &&
      f.type !== 'base64' &&
      (f.createable || f.updateable || f.nameField || f.type === 'address'),
  )
  const system = obj.fields.filter((f) => f.name === 'CreatedById' || f.name === 'LastModifiedById')
  const sections = [
    section(`${obj.label} Information`, visible, fixedId('01B', objIndex * 2)),
    section('System Information', system, fixedId('01B', objIndex * 2 + 1)),
  ]
  return {
    buttonLayoutSection: { detailButtons: [] },
    detailLayoutSections: sections,
    editLayoutSections: sections,
    feedView: null,
    highlightsPanelLayoutSection: null,
    id,
    multirowEditLayoutSections: [],
    offlineLinks: [],
    quickActionList: { quickActionListItems: [] },
    relatedContent: null,
    relatedLists: obj.childRelationships.map((r, i) => ({
      accessLevelRequiredForCreate: null,
      buttons: [],
      columns: [],
      custom: r.childSObject.endsWith('__c'),
      field: r.field,
      label: r.relationshipName,
      limitRows: 5,
      name: r.relationshipName,
      sobject: r.childSObject,
      sort: [],
      order: i,
    })),
    saveOptions: [],
  }
}

/** The "System Default" compact layout: the name field and a few key fields. */
export function compactLayout(obj: ObjectDef, objIndex: number): Record<string, unknown> {
  const fields = keyFields(obj)
  return {
    actions: [],
    fieldItems: fieldItems(fields),
    id: fixedId('0AH', objIndex),
    imageItems: [],
    label: 'System Default',
    name: 'SYSTEM',
    objectType: obj.name,
  }
}
