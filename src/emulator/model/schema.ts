// The shape of an emulated org's objects, shared by every part of the emulator
// (org file loader, data API, validation, SOQL engine, composite, Bulk API).

/** Salesforce describe `type` values the emulator supports. */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'multipicklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'reference'
  /** A picklist that also takes free text (Task and Event Subject). */
  | 'combobox'
  /** Binary data sent as base64 (ContentVersion.VersionData); served by its own URL. */
  | 'base64'
  /** A compound address (BillingAddress), read-only, built from its component fields. */
  | 'address'

export interface PicklistValue {
  value: string
  label: string
  active: boolean
  defaultValue: boolean
}

export interface FieldDef {
  /** API name, e.g. `Name`, `Segment__c`, `AccountId`. */
  name: string
  label: string
  type: FieldType
  /** Maximum length for text types (0 for non-text). */
  length: number
  precision: number
  scale: number
  /** False when the field must have a value on create (REQUIRED_FIELD_MISSING). */
  nillable: boolean
  /** True when the field is required and has no default: callers must set it. */
  required: boolean
  createable: boolean
  updateable: boolean
  unique: boolean
  externalId: boolean
  /** Matching of unique/external id values ignores case unless this is true. */
  caseSensitive: boolean
  custom: boolean
  /** For type `reference`: the objects it may point to, e.g. `['Account']`. */
  referenceTo: string[]
  /** For type `reference`: the name used in SOQL dot notation, e.g. `Account` for `AccountId`. */
  relationshipName: string | null
  picklistValues: PicklistValue[]
  restrictedPicklist: boolean
  /** Is this the object's name field (`Name`)? */
  nameField: boolean
  defaultValue: unknown
  /** The compound field this one is part of, e.g. `BillingAddress` for `BillingCity`. */
  compoundFieldName?: string | null
  /** An auto-number (CaseNumber, ContractNumber): set by the org on create. */
  autoNumber?: boolean
}

/** A record type of an object, declared in the org file. */
export interface RecordTypeDef {
  /** 18-character `012` id. */
  id: string
  developerName: string
  name: string
  description: string | null
  active: boolean
  /** The default record type of the object for new records. */
  default: boolean
}

export interface ChildRelationship {
  /** e.g. `Contacts` on Account. */
  relationshipName: string
  childSObject: string
  /** The lookup field on the child, e.g. `AccountId`. */
  field: string
  cascadeDelete: boolean
}

export interface ObjectDef {
  /** API name, e.g. `Account`, `Invoice__c`. */
  name: string
  label: string
  labelPlural: string
  /** Three-character id prefix, e.g. `001`. */
  keyPrefix: string
  custom: boolean
  fields: FieldDef[]
  childRelationships: ChildRelationship[]
  /** Object-level describe flags (true when absent). */
  createable?: boolean
  updateable?: boolean
  deletable?: boolean
  /** Record types the org file declares (the Master record type is implied). */
  recordTypes?: RecordTypeDef[]
}

/**
 * One stored record. Keys are field API names with their canonical spelling. Values use
 * Salesforce's JSON forms: strings, numbers, booleans, null; dates as `YYYY-MM-DD`,
 * datetimes as `2024-03-20T21:42:13.000+0000` (UTC, milliseconds, `+0000`).
 * `Id` is always the 18-character id; `IsDeleted` is true while in the recycle bin.
 */
export type RecordRow = Record<string, unknown> & { Id: string; IsDeleted: boolean }

/**
 * Read access to an org's schema and data: what the SOQL engine and the other readers
 * need. Object and field names are matched case-insensitively, as Salesforce does.
 */
export interface OrgReader {
  /** The object with this name (any case), or undefined. */
  getObject(name: string): ObjectDef | undefined
  /** The object whose key prefix starts this id, or undefined. */
  objectForId(id: string): ObjectDef | undefined
  /** Every object of the org. */
  objects(): ObjectDef[]
  /** Every row of the object, deleted ones included (filter on IsDeleted). */
  rows(objectName: string): Iterable<RecordRow>
  /** One row by 15- or 18-character id, deleted or not, or undefined. */
  getRow(objectName: string, id: string): RecordRow | undefined
  /**
   * The rows (deleted ones included, in `rows` order) whose field is one of `values`, read
   * through an index; undefined when the field has none. May return more rows than match
   * exactly (ids compare by 15 characters, text by the field's case rule): callers test each.
   */
  rowsWhere?(
    objectName: string,
    fieldName: string,
    values: readonly string[],
  ): Iterable<RecordRow> | undefined
}
