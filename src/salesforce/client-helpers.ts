// The data helpers bound to one Requester, for SalesforceClient to expose as methods
// (`client.sobject('Account')`, `client.query(...)`, ...): one describe cache and one
// Collections/Bulk/Apex instance per client.

import { Apex } from './apex/index.js'
import {
  Bulk,
  exportRows,
  type BulkOptions,
  type ExportRowsOptions,
  type FlatRow,
} from './bulk/index.js'
import { Collections, type CollectionsOptions } from './collections/index.js'
import {
  composite,
  compositeBatch,
  compositeTree,
  type BatchRequest,
  type BatchResult,
  type CompositeRequest,
  type CompositeResult,
  type TreeRecord,
  type TreeResult,
} from './composite/index.js'
import { query, queryAll, type QueryIterator, type QueryOptions } from './query/index.js'
import type { Requester } from './requester.js'
import { parameterizedSearch, search, type ParameterizedSearchParams } from './search/index.js'
import { DescribeCache, SObject, type DescribeCacheOptions } from './sobject/index.js'

export interface DataHelpersOptions {
  describe?: DescribeCacheOptions
  collections?: CollectionsOptions
  bulk?: BulkOptions
}

export class DataHelpers {
  readonly describeCache: DescribeCache
  readonly collections: Collections
  readonly apex: Apex
  readonly bulk: Bulk

  constructor(
    private readonly requester: Requester,
    options: DataHelpersOptions = {},
  ) {
    this.describeCache = new DescribeCache(options.describe)
    this.collections = new Collections(requester, options.collections)
    this.apex = new Apex(requester)
    this.bulk = new Bulk(requester, options.bulk)
  }

  sobject<T extends object = Record<string, unknown>>(name: string): SObject<T> {
    return new SObject<T>(this.requester, name, { describeCache: this.describeCache })
  }

  query<T = Record<string, unknown>>(soql: string, options?: QueryOptions): QueryIterator<T> {
    return query<T>(this.requester, soql, options)
  }

  queryAll<T = Record<string, unknown>>(soql: string, options?: QueryOptions): QueryIterator<T> {
    return queryAll<T>(this.requester, soql, options)
  }

  /** Flat rows of a query: REST for small results, a Bulk query job for large ones. */
  exportRows(soql: string, options?: ExportRowsOptions): AsyncGenerator<FlatRow> {
    return exportRows(this.requester, soql, options)
  }

  search<T = Record<string, unknown>>(sosl: string): Promise<T[]> {
    return search<T>(this.requester, sosl)
  }

  parameterizedSearch<T = Record<string, unknown>>(
    params: ParameterizedSearchParams,
  ): Promise<T[]> {
    return parameterizedSearch<T>(this.requester, params)
  }

  composite(request: CompositeRequest): Promise<CompositeResult> {
    return composite(this.requester, request)
  }

  compositeBatch(request: BatchRequest): Promise<BatchResult> {
    return compositeBatch(this.requester, request)
  }

  compositeTree(type: string, records: readonly TreeRecord[]): Promise<TreeResult> {
    return compositeTree(this.requester, type, records)
  }
}
