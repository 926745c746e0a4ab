// Turns an ObjectSpec (data) into the field metadata the emulator works with. Errors here
// are mistakes in our own tables, so they throw at start with the bad line.

import type { FieldDef, FieldType } from '../../model/index.js'
import { field } from '../field-builder.js'
import type { ObjectSpec } from './object-spec.js'
import { PICKLISTS } from './picklists.js'

export interface ObjectTemplate {
  name: string
  label: string
  labelPlural: string
  keyPrefix: string
  hasOwner: boolean
  audit: boolean
  createable: boolean
  updateable: boolean
  deletable: boolean
  /** Fields other than the system fields (Id, IsDeleted, audit fields, OwnerId). */
  fields: FieldDef[]
  /** Child relationship names on the parent by lookup field; null: none. */
  childNames: Map<string, string | null>
  /** Lookup fields whose records are deleted with their parent. */
  cascade: Set<string>
}

const TEXT_LENGTH: Partial<Record<FieldType, number>> = {
  string: 255,
  textarea: 255,
  email: 80,
  phone: 40,
  url: 255,
  picklist: 255,
  multipicklist: 4099,
  combobox: 255,
}

function addressLines(prefix: string): string[] {
  const compound = `${prefix}Address`
  const label = prefix === '' ? '' : `${prefix} `
  return [
    `${prefix}Street textarea(255) compound=${compound} | ${label}Street`,
    `${prefix}City string(40) compound=${compound} | ${label}City`,
    `${prefix}State string(80) compound=${compound} | ${label}State/Province`,
    `${prefix}PostalCode string(20) compound=${compound} | ${label}Zip/Postal Code`,
    `${prefix}Country string(80) compound=${compound} | ${label}Country`,
    `${prefix}Latitude double(18,15) compound=${compound} | ${label}Latitude`,
    `${prefix}Longitude double(18,15) compound=${compound} | ${label}Longitude`,
    `${prefix}GeocodeAccuracy picklist(@geocodeAccuracy) restricted compound=${compound} | ${label}Geocode Accuracy`,
    `${compound} address ro | ${prefix === '' ? 'Address' : `${prefix} Address`}`,
  ]
}

function picklistValues(ref: string, line: string): FieldDef['picklistValues'] {
  const values = PICKLISTS[ref.replace(/^@/, '')]
  if (!values) throw new Error(`standard object table: unknown picklist ${ref} in "${line}"`)
  return values.map((v) => ({
    value: v.replace(/^\*/, ''),
    label: v.replace(/^\*/, ''),
    active: true,
    defaultValue: v.startsWith('*'),
  }))
}

function parseLine(line: string, t: ObjectTemplate): FieldDef {
  const [spec = '', labelPart] = line.split('|')
  const [name = '', typeToken = '', ...flags] = spec.trim().split(/\s+/)
  const m = /^([a-z0-9]+)(?:\((.*)\))?$/.exec(typeToken)
  if (!m) throw new Error(`standard object table: bad type in "${line}"`)
  const kind = m[1]!
  const args = (m[2] ?? '').split(',').filter((a) => a !== '')
  const type = (kind === 'ref' ? 'reference' : kind) as FieldType
  const opts: Parameters<typeof field>[2] = {}
  if (labelPart !== undefined) opts.label = labelPart.trim()
  switch (type) {
    case 'string':
    case 'textarea':
    case 'email':
    case 'phone':
    case 'url':
      opts.length = args[0] !== undefined ? Number(args[0]) : TEXT_LENGTH[type]!
      break
    case 'picklist':
    case 'multipicklist':
    case 'combobox':
      opts.length = TEXT_LENGTH[type]!
      if (args[0]) opts.picklistValues = picklistValues(args[0], line)
      opts.defaultValue = opts.picklistValues?.find((p) => p.defaultValue)?.value ?? null
      break
    case 'int':
      opts.precision = Number(args[0] ?? 9)
      break
    case 'double':
    case 'currency':
    case 'percent':
      opts.precision = Number(args[0] ?? 18)
      opts.scale = Number(args[1] ?? (type === 'currency' ? 2 : 0))
      break
    case 'reference':
      opts.referenceTo = args
      opts.relationshipName = name.replace(/Id$/, '')
      break
    case 'address':
    case 'base64':
    case 'boolean':
    case 'date':
    case 'datetime':
      break
    default:
      throw new Error(`standard object table: unknown type ${kind} in "${line}"`)
  }
  for (const flag of flags) {
    const [key = '', value] = flag.split('=')
    switch (key) {
      case 'req':
        opts.nillable = false
        opts.required = true
        break
      case 'nn':
        opts.nillable = false
        break
      case 'ro':
        opts.createable = false
        opts.updateable = false
        break
      case 'co':
        opts.updateable = false
        break
      case 'unique':
        opts.unique = true
        break
      case 'ext':
        opts.externalId = true
        break
      case 'name':
        opts.nameField = true
        break
      case 'restricted':
        opts.restrictedPicklist = true
        break
      case 'auto':
        opts.autoNumber = true
        break
      case 'def':
        opts.defaultValue = value === 'true' ? true : value === 'false' ? false : value
        break
      case 'rel':
        opts.relationshipName = value ?? null
        break
      case 'compound':
        opts.compoundFieldName = value ?? null
        break
      case 'child':
        t.childNames.set(name, value === '-' ? null : (value ?? null))
        break
      case 'cascade':
        t.cascade.add(name)
        break
      default:
        throw new Error(`standard object table: unknown flag ${flag} in "${line}"`)
    }
  }
  // A checkbox always has a value.
  if (type === 'boolean') opts.nillable = false
  return field(name, type, opts)
}

/** The template of one standard object, its address macros expanded. */
export function parseObjectSpec(spec: ObjectSpec): ObjectTemplate {
  const t: ObjectTemplate = {
    name: spec.name,
    label: spec.label,
    labelPlural: spec.labelPlural,
    keyPrefix: spec.keyPrefix,
    hasOwner: spec.owner,
    audit: spec.audit ?? true,
    createable: spec.createable ?? true,
    updateable: spec.updateable ?? true,
    deletable: spec.deletable ?? true,
    fields: [],
    childNames: new Map(),
    cascade: new Set(),
  }
  for (const line of spec.fields) {
    const macro = /^@address(?:\s+(\w+))?$/.exec(line.trim())
    const lines = macro ? addressLines(macro[1] ?? '') : [line]
    for (const l of lines) t.fields.push(parseLine(l, t))
  }
  return t
}
