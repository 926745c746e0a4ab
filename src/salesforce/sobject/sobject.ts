// One sObject type's REST rows: create, get (by id or external id), update, upsert by external
// id, delete and a cached describe (salesforce-api.md §2.2–§2.4).

import { ForcebridgeError } from '../../util/index.js'
import { writeMany, type WriteManyOptions } from '../bulk/index.js'
import type { RecordError, RecordResult } from '../collections/index.js'
import type { Requester } from '../requester.js'
import { DescribeCache, type DescribeSObjectResult } from './describe-cache.js'
import { checkFields, checkId, checkName } from '../soql/index.js'

/** Keys Salesforce adds to every record it returns. */
export interface SObjectRecord {
  attributes?: { type: string; url?: string }
  Id?: string
}

export interface CreateResult {
  id: string
  success: boolean
  errors: RecordError[]
}

export interface UpsertResult {
  /** Absent only on API versions before 46.0, which answer an update with 204 and no body. */
  id?: string
  created: boolean
}

export interface GetOptions<T> {
  /** Only these fields (`?fields=`); default all fields. */
  fields?: ReadonlyArray<keyof T & string>
}

export interface SObjectOptions {
  /** Shared describe cache; the client passes one so every sobject() call reuses it. */
  describeCache?: DescribeCache
}

type Fields<T> = Partial<Omit<T, 'attributes'>>

/** Raised for 300 Multiple Choices: the external id matched several rows; nothing was written. */
export class MultipleRecordsError extends ForcebridgeError {
  constructor(
    message: string,
    /** Record URLs from Salesforce's answer. */
    readonly urls: string[],
  ) {
    super('MULTIPLE_RECORDS_MATCHED', message)
    this.name = 'MultipleRecordsError'
  }
}

function urlsOf(body: unknown): string[] {
  return Array.isArray(body) ? body.filter((u): u is string => typeof u === 'string') : []
}

function stripKeys(fields: object): Record<string, unknown> {
  const rest = { ...(fields as Record<string, unknown>) }
  delete rest.attributes
  return rest
}

/** @example const acc = await sobject<Account>(client, 'Account').get(id, { fields: ['Name'] }) */
export class SObject<T extends object = Record<string, unknown>> {
  readonly name: string
  private readonly describeCache: DescribeCache

  constructor(
    private readonly requester: Requester,
    name: string,
    options: SObjectOptions = {},
  ) {
    this.name = checkName('sobject', name)
    this.describeCache = options.describeCache ?? new DescribeCache()
  }

  private path(...parts: string[]): string {
    return ['sobjects', this.name, ...parts.map((p) => encodeURIComponent(p))].join('/')
  }

  /** Creates one record (201). */
  async create(fields: Fields<T>): Promise<CreateResult> {
    const body = stripKeys(fields)
    if ('Id' in body)
      throw new ForcebridgeError(
        'INVALID_INPUT',
        `${this.name}.create: remove Id; Salesforce assigns it`,
      )
    const res = await this.requester.request<{
      id: string
      success: boolean
      errors?: RecordError[]
    }>({
      method: 'POST',
      path: this.path(),
      body,
    })
    return { id: res.body.id, success: res.body.success, errors: res.body.errors ?? [] }
  }

  /** One record by id; `fields` limits the fields returned. */
  async get(id: string, options: GetOptions<T> = {}): Promise<T & SObjectRecord> {
    checkId(`${this.name}.get`, id)
    const fields = checkFields(`${this.name}.get`, options.fields)
    const res = await this.requester.request<T & SObjectRecord>({
      method: 'GET',
      path: this.path(id),
      query: { fields },
    })
    return res.body
  }

  /** One record by an external id field; several matches throw MULTIPLE_RECORDS_MATCHED. */
  async getByExternalId(
    field: string,
    value: string,
    options: GetOptions<T> = {},
  ): Promise<T & SObjectRecord> {
    checkName(`${this.name}.getByExternalId field`, field)
    const fields = checkFields(`${this.name}.getByExternalId`, options.fields)
    const res = await this.requester.request<T & SObjectRecord>({
      method: 'GET',
      path: this.path(field, String(value)),
      query: { fields },
      acceptStatuses: [300],
    })
    if (res.status === 300) {
      throw new MultipleRecordsError(
        `${this.name}.${field} = ${JSON.stringify(value)} matched several records; use a unique external id or get them by id`,
        urlsOf(res.body),
      )
    }
    return res.body
  }

  /** Changes the given fields of one record (204). */
  async update(id: string, fields: Fields<T>): Promise<void> {
    checkId(`${this.name}.update`, id)
    const body = stripKeys(fields)
    if ('Id' in body) {
      // Salesforce rejects Id in the body of a PATCH by id; the same id is harmless, so drop it.
      if (body.Id !== id)
        throw new ForcebridgeError(
          'INVALID_INPUT',
          `${this.name}.update: body Id ${String(body.Id)} differs from ${id}`,
        )
      delete body.Id
    }
    await this.requester.request({ method: 'PATCH', path: this.path(id), body })
  }

  /**
   * Creates or updates the record whose `externalIdField` equals `value`. Replayed after network
   * errors (retry 'always'): an upsert by external id gives the same outcome when sent twice.
   * Several matches throw MULTIPLE_RECORDS_MATCHED and write nothing (Salesforce answers 300).
   */
  async upsert(externalIdField: string, value: string, fields: Fields<T>): Promise<UpsertResult> {
    checkName(`${this.name}.upsert field`, externalIdField)
    const body = stripKeys(fields)
    if (externalIdField in body) {
      // The value comes from the URL; Salesforce refuses a body that repeats it differently.
      if (String(body[externalIdField]) !== String(value)) {
        throw new ForcebridgeError(
          'INVALID_INPUT',
          `${this.name}.upsert: body ${externalIdField} ${JSON.stringify(body[externalIdField])} differs from ${JSON.stringify(value)}`,
        )
      }
      delete body[externalIdField]
    }
    const res = await this.requester.request<
      { id?: string; created?: boolean } | string[] | undefined
    >({
      method: 'PATCH',
      path: this.path(externalIdField, String(value)),
      body,
      retry: 'always',
      acceptStatuses: [300],
    })
    if (res.status === 300) {
      throw new MultipleRecordsError(
        `${this.name} upsert on ${externalIdField} = ${JSON.stringify(value)} matched several records; nothing was written`,
        urlsOf(res.body),
      )
    }
    const result = Array.isArray(res.body) ? undefined : res.body
    // 201 = created; 200 (API 46.0+) carries created:false; 204 (older versions) means updated.
    const out: UpsertResult = { created: res.status === 201 || result?.created === true }
    if (result?.id) out.id = result.id
    return out
  }

  /** Deletes one record (204). */
  async delete(id: string): Promise<void> {
    checkId(`${this.name}.delete`, id)
    await this.requester.request({ method: 'DELETE', path: this.path(id) })
  }

  /**
   * Creates any number of records: sObject Collections below `bulkThreshold` (default 2,000),
   * Bulk API 2.0 from it on. One result per record, in input order, either way.
   */
  insertMany(
    records: ReadonlyArray<Fields<T>>,
    options: WriteManyOptions = {},
  ): Promise<RecordResult[]> {
    return writeMany(this.requester, this.name, 'insert', records, options)
  }

  /** Updates records by `Id`; the path is chosen as in insertMany. */
  updateMany(
    records: ReadonlyArray<Fields<T> & { Id: string }>,
    options: WriteManyOptions = {},
  ): Promise<RecordResult[]> {
    return writeMany(this.requester, this.name, 'update', records, options)
  }

  /** Upserts records matched on `externalIdField`; `created` tells which were new. */
  upsertMany(
    externalIdField: string,
    records: ReadonlyArray<Fields<T>>,
    options: WriteManyOptions = {},
  ): Promise<RecordResult[]> {
    checkName(`${this.name}.upsertMany field`, externalIdField)
    return writeMany(this.requester, this.name, 'upsert', records, { ...options, externalIdField })
  }

  /** Deletes records by id; the path is chosen as in insertMany. */
  async deleteMany(
    ids: readonly string[],
    options: WriteManyOptions = {},
  ): Promise<RecordResult[]> {
    ids.forEach((id, i) => checkId(`${this.name}.deleteMany id ${i}`, id))
    return writeMany(
      this.requester,
      this.name,
      'delete',
      ids.map((Id) => ({ Id })),
      options,
    )
  }

  /** The describe, cached with a TTL and revalidated with If-Modified-Since. */
  describe(options: { force?: boolean } = {}): Promise<DescribeSObjectResult> {
    return this.describeCache.get(this.requester, this.name, options)
  }
}
