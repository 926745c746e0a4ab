// The Avro schema of an entity's change events, derived from its describe: the
// ChangeEventHeader first, then every field as a nullable union; dates and datetimes as epoch
// milliseconds; addresses and a person's name as nested records (pubsub-api.md, "Change events").

import type { FieldDef, FieldType, ObjectDef } from '../model/index.js'

const NS = 'com.sforce.eventbus'

/** Fields a change event leaves out: the id travels in the header, the rest is bookkeeping. */
const SKIPPED = new Set(['Id', 'IsDeleted', 'SystemModstamp'])
const ADDRESS_PARTS = [
  'Street',
  'City',
  'State',
  'PostalCode',
  'Country',
  'Latitude',
  'Longitude',
  'GeocodeAccuracy',
]
const NAME_PARTS = ['Salutation', 'FirstName', 'LastName', 'MiddleName', 'Suffix']

export interface LeafField {
  /** The name in the event (`City` inside BillingAddress). */
  name: string
  /** The record's column (`BillingCity`). */
  column: string
  type: FieldType
}

/** A top-level field of the event: a plain field, or a compound one with its parts. */
export type LayoutField = LeafField | { name: string; parts: LeafField[] }

export interface ChangeLayout {
  entity: string
  /** Top-level fields after the header: field i of the layout is schema field i + 1. */
  fields: LayoutField[]
  schema: object
}

export const changeEventHeaderSchema = {
  type: 'record',
  name: 'ChangeEventHeader',
  namespace: NS,
  fields: [
    { name: 'entityName', type: 'string' },
    { name: 'recordIds', type: { type: 'array', items: 'string' } },
    {
      name: 'changeType',
      type: {
        type: 'enum',
        name: 'ChangeType',
        namespace: NS,
        symbols: [
          'CREATE',
          'UPDATE',
          'DELETE',
          'UNDELETE',
          'GAP_CREATE',
          'GAP_UPDATE',
          'GAP_DELETE',
          'GAP_UNDELETE',
          'GAP_OVERFLOW',
          'SNAPSHOT',
        ],
      },
    },
    { name: 'changeOrigin', type: 'string' },
    { name: 'transactionKey', type: 'string' },
    { name: 'sequenceNumber', type: 'int' },
    { name: 'commitTimestamp', type: 'long' },
    { name: 'commitNumber', type: 'long' },
    { name: 'commitUser', type: 'string' },
    { name: 'nulledFields', type: { type: 'array', items: 'string' } },
    { name: 'diffFields', type: { type: 'array', items: 'string' } },
    { name: 'changedFields', type: { type: 'array', items: 'string' } },
  ],
}

/** The Avro primitive of a describe type. */
export function avroPrimitive(type: FieldType): string {
  switch (type) {
    case 'boolean':
      return 'boolean'
    case 'int':
      return 'int'
    case 'double':
    case 'currency':
    case 'percent':
      return 'double'
    case 'date':
    case 'datetime':
      return 'long'
    default:
      return 'string'
  }
}

/** The topic of an entity's change events: Account → AccountChangeEvent, Invoice__c → Invoice__ChangeEvent. */
export function changeEventName(entity: string): string {
  return entity.endsWith('__c') ? `${entity.slice(0, -1)}ChangeEvent` : `${entity}ChangeEvent`
}

function groupFields(obj: ObjectDef): LayoutField[] {
  const byName = new Map(obj.fields.map((f) => [f.name, f]))
  const used = new Set<string>()
  const out: LayoutField[] = []
  const leaf = (f: FieldDef, name = f.name): LeafField => ({ name, column: f.name, type: f.type })
  const personName = byName.has('FirstName') && byName.has('LastName')
  for (const f of obj.fields) {
    if (used.has(f.name) || SKIPPED.has(f.name)) continue
    // A described compound address (BillingAddress) is the group its parts make below.
    if (f.type === 'address') continue
    const address = /^(.*)Street$/.exec(f.name)
    if (address && byName.has(`${address[1]}City`)) {
      const prefix = address[1]!
      const parts = ADDRESS_PARTS.filter((p) => byName.has(prefix + p)).map((p) =>
        leaf(byName.get(prefix + p)!, p),
      )
      for (const p of parts) used.add(p.column)
      out.push({ name: `${prefix}Address`, parts })
      continue
    }
    if (personName && (NAME_PARTS.includes(f.name) || f.name === 'Name')) {
      const parts = NAME_PARTS.filter((p) => byName.has(p)).map((p) => leaf(byName.get(p)!))
      for (const p of parts) used.add(p.column)
      used.add('Name') // the computed full name is the compound field itself
      out.push({ name: 'Name', parts })
      continue
    }
    used.add(f.name)
    out.push(leaf(f))
  }
  return out
}

/** The layout and Avro schema of `obj`'s change events. */
export function changeLayout(obj: ObjectDef): ChangeLayout {
  const fields = groupFields(obj)
  /** Named record types already defined in this schema, with the parts they hold. */
  const defined = new Map<string, string>()
  const avroFields: object[] = [{ name: 'ChangeEventHeader', type: changeEventHeaderSchema }]
  for (const f of fields) {
    if ('parts' in f) {
      // A named type is defined once per schema, then referred to by its full name.
      let typeName = f.name === 'Name' ? 'Name' : 'Address'
      const signature = f.parts.map((p) => p.name).join(',')
      // An address with other parts than the first one gets a type of its own.
      if (defined.has(typeName) && defined.get(typeName) !== signature) typeName = f.name
      const record = defined.has(typeName)
        ? `${NS}.${typeName}`
        : {
            type: 'record',
            name: typeName,
            namespace: NS,
            fields: f.parts.map((p) => ({
              name: p.name,
              type: ['null', avroPrimitive(p.type)],
              default: null,
            })),
          }
      defined.set(typeName, signature)
      avroFields.push({ name: f.name, type: ['null', record], default: null })
    } else {
      avroFields.push({ name: f.name, type: ['null', avroPrimitive(f.type)], default: null })
    }
  }
  return {
    entity: obj.name,
    fields,
    schema: {
      type: 'record',
      name: changeEventName(obj.name),
      namespace: NS,
      fields: avroFields,
    },
  }
}
