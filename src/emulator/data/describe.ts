// describeGlobal entries, sObject describe and field describe bodies (salesforce-api.md
// §2.2), built from the org's schema with the keys a real org sends.

import type { FieldDef, ObjectDef } from '../model/index.js'

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  base64: 'xsd:base64Binary',
  address: 'urn:address',
}

/** Compound and binary fields cannot be filtered, sorted, grouped or aggregated. */
const OPAQUE = new Set(['address', 'base64'])

function urls(obj: ObjectDef, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${obj.name}`
  return {
    compactLayouts: `${base}/describe/compactLayouts`,
    rowTemplate: `${base}/{ID}`,
    approvalLayouts: `${base}/describe/approvalLayouts`,
    defaultValues: `${base}/defaultValues?recordTypeId&fields`,
    listviews: `${base}/listviews`,
    describe: `${base}/describe`,
    quickActions: `${base}/quickActions`,
    layouts: `${base}/describe/layouts`,
    sobject: base,
  }
}

/** One entry of `GET /sobjects/` (describeGlobal). */
export function globalEntry(obj: ObjectDef, version: string): Record<string, unknown> {
  const system = obj.name === 'User'
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: obj.createable ?? true,
    custom: obj.custom,
    customSetting: false,
    deepCloneable: false,
    deletable: obj.deletable ?? !system,
    deprecatedAndHidden: false,
    feedEnabled: !obj.custom,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: obj.keyPrefix,
    label: obj.label,
    labelPlural: obj.labelPlural,
    layoutable: true,
    mergeable: ['Account', 'Contact', 'Lead', 'Case'].includes(obj.name),
    mruEnabled: true,
    name: obj.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: obj.deletable ?? !system,
    updateable: obj.updateable ?? true,
    urls: urls(obj, version),
  }
}

/** One field of an sObject describe (also used by layouts). */
export function fieldDescribe(f: FieldDef): Record<string, unknown> {
  const text = [
    'string',
    'textarea',
    'email',
    'phone',
    'url',
    'picklist',
    'multipicklist',
    'combobox',
    'id',
    'reference',
  ].includes(f.type)
  const opaque = OPAQUE.has(f.type)
  const numeric = ['double', 'currency', 'percent'].includes(f.type)
  const system = !f.createable && !f.updateable
  return {
    aggregatable: !opaque && (f.type !== 'textarea' || f.length <= 255),
    aiPredictionField: false,
    autoNumber: f.autoNumber === true,
    byteLength: text ? f.length * 3 : 0,
    calculated: false,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: f.caseSensitive,
    compoundFieldName: f.compoundFieldName ?? null,
    controllerName: null,
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.type === 'boolean' ? (f.defaultValue ?? false) : (f.defaultValue ?? null),
    defaultValueFormula: null,
    defaultedOnCreate:
      (system && f.type !== 'address') ||
      f.type === 'boolean' ||
      f.name === 'OwnerId' ||
      (f.defaultValue !== null && f.defaultValue !== undefined),
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.type === 'int' ? f.precision : 0,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: f.externalId,
    extraTypeInfo: f.type === 'textarea' ? 'plaintextarea' : null,
    filterable: !opaque && (f.type !== 'textarea' || f.length <= 255),
    filteredLookupInfo: null,
    formulaTreatNullNumberAsZero: false,
    groupable: ![
      'textarea',
      'double',
      'currency',
      'percent',
      'datetime',
      'multipicklist',
      'address',
      'base64',
    ].includes(f.type),
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: f.name === 'Id' || f.externalId || f.name === 'Username',
    inlineHelpText: null,
    label: f.label,
    length: text ? f.length : 0,
    mask: null,
    maskType: null,
    name: f.name,
    nameField: f.nameField,
    namePointing: f.referenceTo.length > 1,
    nillable: f.nillable,
    permissionable: !system && f.nillable,
    picklistValues: f.picklistValues.map((p) => ({ ...p, validFor: null })),
    polymorphicForeignKey: f.referenceTo.length > 1,
    precision: numeric ? f.precision : 0,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: f.referenceTo,
    relationshipName: f.relationshipName,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: f.restrictedPicklist,
    scale: numeric ? f.scale : 0,
    searchPrefilterable: f.type === 'reference',
    soapType: SOAP_TYPES[f.type] ?? 'xsd:string',
    sortable: !opaque && f.type !== 'multipicklist' && (f.type !== 'textarea' || f.length <= 255),
    type: f.type,
    unique: f.unique,
    updateable: f.updateable,
    writeRequiresMasterRead: false,
  }
}

/** The Master record type every object has; its id is the same in every org. */
export const MASTER_RECORD_TYPE_ID = '012000000000000AAA'

function recordTypeInfos(obj: ObjectDef, version: string): Record<string, unknown>[] {
  const declared = obj.recordTypes ?? []
  const layout = (id: string) => ({
    layout: `/services/data/v${version}/sobjects/${obj.name}/describe/layouts/${id}`,
  })
  return [
    ...declared.map((rt) => ({
      active: rt.active,
      available: rt.active,
      defaultRecordTypeMapping: rt.default,
      developerName: rt.developerName,
      master: false,
      name: rt.name,
      recordTypeId: rt.id,
      urls: layout(rt.id),
    })),
    {
      active: true,
      // With record types of its own, Master is no longer offered for new records.
      available: declared.length === 0,
      defaultRecordTypeMapping: declared.length === 0,
      developerName: 'Master',
      master: true,
      name: 'Master',
      recordTypeId: MASTER_RECORD_TYPE_ID,
      urls: layout(MASTER_RECORD_TYPE_ID),
    },
  ]
}

// Describe bodies are the same for the emulator's life (the schema is fixed at start):
// built once per object and API version.
const cache = new WeakMap<ObjectDef, Map<string, Record<string, unknown>>>()

/** `GET /sobjects/{Type}/describe` (cached; callers must not change the answer). */
export function describeObject(obj: ObjectDef, version: string): Record<string, unknown> {
  let byVersion = cache.get(obj)
  if (!byVersion) cache.set(obj, (byVersion = new Map<string, Record<string, unknown>>()))
  let body = byVersion.get(version)
  if (!body) byVersion.set(version, (body = buildDescribe(obj, version)))
  return body
}

function buildDescribe(obj: ObjectDef, version: string): Record<string, unknown> {
  return {
    actionOverrides: [],
    ...globalEntry(obj, version),
    childRelationships: obj.childRelationships.map((r) => ({
      cascadeDelete: r.cascadeDelete,
      childSObject: r.childSObject,
      deprecatedAndHidden: false,
      field: r.field,
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: r.relationshipName,
      restrictedDelete: false,
    })),
    compactLayoutable: true,
    fields: obj.fields.map(fieldDescribe),
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: recordTypeInfos(obj, version),
    searchLayoutable: true,
    supportedScopes: [{ label: 'All ' + obj.labelPlural.toLowerCase(), name: 'everything' }],
    sobjectDescribeOption: 'FULL',
  }
}
