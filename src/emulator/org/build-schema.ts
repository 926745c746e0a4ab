// Turns the org file's object list into describe metadata: the standard objects with their
// extra custom fields, the custom objects (`a00`, `a01`, ... key prefixes), the system fields
// every object has, and the child relationships that lookups imply.

import { ForcebridgeError } from '../../util/index.js'
import type { ChildRelationship, FieldDef, ObjectDef, RecordTypeDef } from '../model/index.js'
import { field, picklist, readOnly, ref } from './field-builder.js'
import type { CustomFieldConfig, OrgConfig } from './org-file.js'
import { recordTypeId } from './record-type-id.js'
import { standardObjects, type ObjectTemplate } from './standard-objects/index.js'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** Custom objects get `a00`, `a01`, ... `a0z`, `a10`, ... in the order of the org file. */
function customPrefix(index: number): string {
  return 'a' + BASE62[Math.floor(index / 62)]! + BASE62[index % 62]!
}

function customField(f: CustomFieldConfig): FieldDef {
  const common = {
    label: f.label,
    nillable: !f.required,
    required: f.required && f.defaultValue === undefined,
    unique: f.unique,
    externalId: f.externalId,
    caseSensitive: f.caseSensitive,
    custom: true,
    defaultValue: f.defaultValue,
  }
  const values = (f.values ?? []).map((v) =>
    typeof v === 'string'
      ? { value: v, label: v, active: true, defaultValue: false }
      : {
          value: v.value,
          label: v.label ?? v.value,
          active: true,
          defaultValue: v.default === true,
        },
  )
  switch (f.type) {
    case 'text':
      return field(f.name, 'string', { ...common, length: f.length ?? 255 })
    // Long text areas default to 32,768 characters in Setup; a plain text area is 255.
    case 'textarea':
      return field(f.name, 'textarea', { ...common, length: f.length ?? 32768 })
    case 'email':
      return field(f.name, 'email', { ...common, length: 80 })
    case 'phone':
      return field(f.name, 'phone', { ...common, length: 40 })
    case 'url':
      return field(f.name, 'url', { ...common, length: f.length ?? 255 })
    case 'picklist':
    case 'multipicklist':
      return field(f.name, f.type, {
        ...common,
        picklistValues: values.length > 0 ? values : picklist([]),
        restrictedPicklist: f.restricted,
        defaultValue: f.defaultValue ?? values.find((v) => v.defaultValue)?.value ?? null,
      })
    // A checkbox always has a value (false by default), so it is never nillable.
    case 'checkbox':
      return field(f.name, 'boolean', {
        ...common,
        nillable: false,
        required: false,
        defaultValue: f.defaultValue ?? false,
      })
    case 'number':
      return field(f.name, 'double', {
        ...common,
        precision: f.precision ?? 18,
        scale: f.scale ?? 0,
      })
    case 'currency':
      return field(f.name, 'currency', {
        ...common,
        precision: f.precision ?? 18,
        scale: f.scale ?? 2,
      })
    case 'percent':
      return field(f.name, 'percent', {
        ...common,
        precision: f.precision ?? 18,
        scale: f.scale ?? 0,
      })
    case 'date':
    case 'datetime':
      return field(f.name, f.type, common)
    case 'lookup':
      return ref(f.name, f.referenceTo ?? '', common)
  }
}

function systemFields(t: ObjectTemplate, custom: boolean): { head: FieldDef[]; tail: FieldDef[] } {
  const head = [
    readOnly('Id', 'id', { nillable: false, label: `${t.label} ID` }),
    ...(custom && t.hasOwner
      ? [ref('OwnerId', 'User', { nillable: false, relationshipName: 'Owner', label: 'Owner ID' })]
      : []),
    readOnly('IsDeleted', 'boolean', { nillable: false, label: 'Deleted' }),
  ]
  const audit = [
    readOnly('CreatedDate', 'datetime', { nillable: false }),
    ref('CreatedById', 'User', {
      createable: false,
      updateable: false,
      nillable: false,
      relationshipName: 'CreatedBy',
      label: 'Created By ID',
    }),
    readOnly('LastModifiedDate', 'datetime', { nillable: false }),
    ref('LastModifiedById', 'User', {
      createable: false,
      updateable: false,
      nillable: false,
      relationshipName: 'LastModifiedBy',
      label: 'Last Modified By ID',
    }),
  ]
  const tail = [
    ...(!custom && t.hasOwner
      ? [ref('OwnerId', 'User', { nillable: false, relationshipName: 'Owner', label: 'Owner ID' })]
      : []),
    ...(t.audit ? audit : []),
    readOnly('SystemModstamp', 'datetime', { nillable: false }),
  ]
  return { head, tail }
}

function childRelationshipName(
  child: ObjectDef,
  f: FieldDef,
  explicit: string | undefined,
): string {
  if (explicit) return explicit.endsWith('__r') || !f.custom ? explicit : `${explicit}__r`
  const plural = child.labelPlural.replace(/[^A-Za-z0-9]/g, '')
  if (f.custom) return `${plural}__r`
  return f.name === 'ParentId' ? `Child${plural}` : plural
}

/** Every object of the org, in describeGlobal order (by name). */
export function buildSchema(config: OrgConfig): ObjectDef[] {
  const extras = new Map(config.objects.map((o) => [o.name.toLowerCase(), o]))
  const explicitRel = new Map<FieldDef, string | null | undefined>()
  const cascade = new Set<FieldDef>()
  const objects: ObjectDef[] = []
  let customIndex = 0
  const templates: { t: ObjectTemplate; custom: boolean; extraFields: CustomFieldConfig[] }[] =
    standardObjects.map((t) => ({
      t,
      custom: false,
      extraFields: extras.get(t.name.toLowerCase())?.fields ?? [],
    }))
  for (const o of config.objects) {
    if (!o.name.endsWith('__c')) continue
    const label = o.label ?? o.name.replace(/__c$/, '').replace(/_/g, ' ')
    templates.push({
      t: {
        name: o.name,
        label,
        labelPlural: o.labelPlural ?? `${label}s`,
        keyPrefix: customPrefix(customIndex++),
        hasOwner: true,
        audit: true,
        createable: true,
        updateable: true,
        deletable: true,
        childNames: new Map(),
        cascade: new Set(),
        // Custom objects' Name is text(80); when left out Salesforce stores the record id.
        fields: [
          field('Name', 'string', {
            length: 80,
            nameField: true,
            nillable: false,
            label: `${label} Name`,
          }),
        ],
      },
      custom: true,
      extraFields: o.fields,
    })
  }
  let recordTypeIndex = 0
  for (const { t, custom, extraFields } of templates) {
    const { head, tail } = systemFields(t, custom)
    // Template fields are shared by every org built in this process: copy before marking.
    const own = t.fields.map((f) => ({ ...f }))
    for (const f of own) {
      if (t.childNames.has(f.name)) explicitRel.set(f, t.childNames.get(f.name))
      if (t.cascade.has(f.name)) cascade.add(f)
    }
    const extra = extraFields.map((f) => {
      const def = customField(f)
      explicitRel.set(def, f.relationshipName)
      return def
    })
    const declared = extras.get(t.name.toLowerCase())?.recordTypes ?? []
    const recordTypes: RecordTypeDef[] = declared.map((rt, i) => ({
      id: recordTypeId(recordTypeIndex++),
      developerName: rt.developerName,
      name: rt.label ?? rt.developerName.replace(/_/g, ' '),
      description: rt.description ?? null,
      active: rt.active,
      default: rt.default ?? i === 0,
    }))
    // Salesforce adds RecordTypeId to an object once it has a record type.
    const rtField =
      recordTypes.length > 0 ? [ref('RecordTypeId', 'RecordType', { label: 'Record Type ID' })] : []
    for (const f of rtField) explicitRel.set(f, null)
    objects.push({
      name: t.name,
      label: t.label,
      labelPlural: t.labelPlural,
      keyPrefix: t.keyPrefix,
      custom,
      fields: [...head, ...rtField, ...own, ...tail, ...extra],
      childRelationships: [],
      createable: t.createable,
      updateable: t.updateable,
      deletable: t.deletable,
      ...(recordTypes.length > 0 ? { recordTypes } : {}),
    })
  }
  const byName = new Map(objects.map((o) => [o.name.toLowerCase(), o]))
  for (const child of objects) {
    for (const f of child.fields) {
      if (f.type !== 'reference' || f.relationshipName === null) continue
      // Audit and owner lookups to User are left out: they would list every object under User.
      if (['OwnerId', 'CreatedById', 'LastModifiedById'].includes(f.name)) continue
      if (explicitRel.get(f) === null) continue
      for (const target of f.referenceTo) {
        const parent = byName.get(target.toLowerCase())
        if (!parent) continue
        const rel: ChildRelationship = {
          relationshipName: childRelationshipName(child, f, explicitRel.get(f) ?? undefined),
          childSObject: child.name,
          field: f.name,
          cascadeDelete: cascade.has(f),
        }
        parent.childRelationships.push(rel)
      }
    }
  }
  for (const o of objects) {
    for (const f of o.fields) {
      if (f.type === 'reference' && f.referenceTo.some((r) => !byName.has(r.toLowerCase()))) {
        throw new ForcebridgeError(
          'INVALID_ORG_FILE',
          `${o.name}.${f.name} points to ${f.referenceTo.join(', ')}, which is not an object of this org; declare that object or fix referenceTo.`,
        )
      }
    }
  }
  return objects.sort((a, b) => a.name.localeCompare(b.name))
}
