// Builders for describe field metadata, so the standard objects and the org file's custom
// fields produce the same complete FieldDef shapes.

import type { FieldDef, FieldType, PicklistValue } from '../model/index.js'

export type FieldOptions = Partial<Omit<FieldDef, 'name' | 'type'>>

function labelFor(name: string): string {
  const base = name.replace(/__c$/, '').replace(/Id$/, '').replace(/_/g, ' ')
  return base.replace(/([a-z])([A-Z])/g, '$1 $2')
}

/** A field with Salesforce's defaults for its type; `opts` overrides them. */
export function field(name: string, type: FieldType, opts: FieldOptions = {}): FieldDef {
  const text = [
    'string',
    'textarea',
    'email',
    'phone',
    'url',
    'picklist',
    'multipicklist',
  ].includes(type)
  const defaultLength: Partial<Record<FieldType, number>> = {
    string: 255,
    textarea: 255,
    email: 80,
    phone: 40,
    url: 255,
    picklist: 255,
    multipicklist: 4099,
    id: 18,
    reference: 18,
  }
  const numeric = type === 'double' || type === 'currency' || type === 'percent'
  return {
    name,
    label: opts.label ?? labelFor(name),
    type,
    length:
      opts.length ??
      (text || type === 'id' || type === 'reference' ? (defaultLength[type] ?? 255) : 0),
    precision: opts.precision ?? (numeric ? 18 : 0),
    scale: opts.scale ?? (type === 'currency' ? 2 : 0),
    nillable: opts.nillable ?? true,
    required: opts.required ?? false,
    createable: opts.createable ?? true,
    updateable: opts.updateable ?? true,
    unique: opts.unique ?? false,
    externalId: opts.externalId ?? false,
    caseSensitive: opts.caseSensitive ?? false,
    custom: opts.custom ?? name.endsWith('__c'),
    referenceTo: opts.referenceTo ?? [],
    relationshipName: opts.relationshipName ?? null,
    picklistValues: opts.picklistValues ?? [],
    restrictedPicklist: opts.restrictedPicklist ?? false,
    nameField: opts.nameField ?? false,
    defaultValue: opts.defaultValue ?? (type === 'boolean' ? false : null),
    ...(opts.compoundFieldName ? { compoundFieldName: opts.compoundFieldName } : {}),
    ...(opts.autoNumber ? { autoNumber: true } : {}),
  }
}

/** A required field callers must set (nillable false, no default). */
export function required(name: string, type: FieldType, opts: FieldOptions = {}): FieldDef {
  return field(name, type, { ...opts, nillable: false, required: true })
}

/** A system-maintained field: read-only. */
export function readOnly(name: string, type: FieldType, opts: FieldOptions = {}): FieldDef {
  return field(name, type, { ...opts, createable: false, updateable: false })
}

/** A lookup, e.g. `ref('AccountId', 'Account')` (relationship name `Account`). */
export function ref(name: string, to: string | string[], opts: FieldOptions = {}): FieldDef {
  const relationshipName = name.endsWith('__c')
    ? name.replace(/__c$/, '__r')
    : name.replace(/Id$/, '')
  return field(name, 'reference', {
    relationshipName,
    ...opts,
    referenceTo: Array.isArray(to) ? to : [to],
  })
}

/** Picklist values; the first is the default when `withDefault` is set. */
export function picklist(values: string[], withDefault = false): PicklistValue[] {
  return values.map((value, i) => ({
    value,
    label: value,
    active: true,
    defaultValue: withDefault && i === 0,
  }))
}
