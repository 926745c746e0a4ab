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
}

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
    createable: true,
    custom: obj.custom,
    customSetting: false,
    deepCloneable: false,
    deletable: !system,
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
    undeletable: !system,
    updateable: true,
    urls: urls(obj, version),
  }
}

function fieldDescribe(f: FieldDef): Record<string, unknown> {
  const text = [
    'string',
    'textarea',
    'email',
    'phone',
    'url',
    'picklist',
    'multipicklist',
    'id',
    'reference',
  ].includes(f.type)
  const numeric = ['double', 'currency', 'percent'].includes(f.type)
  const system = !f.createable && !f.updateable
  return {
    aggregatable: f.type !== 'textarea' || f.length <= 255,
    aiPredictionField: false,
    autoNumber: f.name === 'CaseNumber',
    byteLength: text ? f.length * 3 : 0,
    calculated: false,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: f.caseSensitive,
    compoundFieldName: ['FirstName', 'LastName'].includes(f.name) ? 'Name' : null,
    controllerName: null,
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.type === 'boolean' ? (f.defaultValue ?? false) : (f.defaultValue ?? null),
    defaultValueFormula: null,
    defaultedOnCreate:
      system ||
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
    filterable: f.type !== 'textarea' || f.length <= 255,
    filteredLookupInfo: null,
    formulaTreatNullNumberAsZero: false,
    groupable: !['textarea', 'double', 'currency', 'percent', 'datetime', 'multipicklist'].includes(
      f.type,
    ),
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
    sortable: f.type !== 'multipicklist' && (f.type !== 'textarea' || f.length <= 255),
    type: f.type,
    unique: f.unique,
    updateable: f.updateable,
    writeRequiresMasterRead: false,
  }
}

/** `GET /sobjects/{Type}/describe`. */
export function describeObject(obj: ObjectDef, version: string): Record<string, unknown> {
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
    recordTypeInfos: [
      {
        active: true,
        available: true,
        defaultRecordTypeMapping: true,
        developerName: 'Master',
        master: true,
        name: 'Master',
        recordTypeId: '012000000000000AAA',
        urls: {
          layout: `/services/data/v${version}/sobjects/${obj.name}/describe/layouts/012000000000000AAA`,
        },
      },
    ],
    searchLayoutable: true,
    supportedScopes: [{ label: 'All ' + obj.labelPlural.toLowerCase(), name: 'everything' }],
    sobjectDescribeOption: 'FULL',
  }
}
