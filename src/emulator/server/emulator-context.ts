// The contract between the emulator's server and the features plugged into it (composite,
// Bulk API 2.0, Setup pages): what a feature's routes can use, and how they register.

import type { FastifyInstance } from 'fastify'
import type { ResultStore } from '../data/result-store.js'
import type { OrgWriter } from '../model/index.js'

/** An authenticated API session, as the token endpoint issued it. */
export interface Session {
  accessToken: string
  /** 18-character id of the user the session runs as. */
  userId: string
  orgId: string
  username: string
  /** Consumer key of the connected app that obtained the token, if any. */
  appId: string | null
  /** Epoch milliseconds. */
  issuedAt: number
}

export interface DispatchRequest {
  method: string
  /** A path such as `/services/data/v66.0/sobjects/Account/001...`, with its query string. */
  url: string
  /** A JSON value (sent as JSON) or a string (sent as is). */
  body?: unknown
  headers?: Record<string, string>
  session: Session
}

export interface DispatchResponse {
  status: number
  headers: Record<string, string>
  /** Parsed JSON when the answer is JSON, the text otherwise, null when empty. */
  body: unknown
}

export interface EmulatorContext {
  /** The org's data, with Salesforce's validation. */
  org: OrgWriter
  /** 18-character `00D` id of the org. */
  orgId: string
  /** e.g. `http://127.0.0.1:8401`, no trailing slash. */
  instanceUrl(): string
  /** The emulator clock (tests may inject one). */
  now(): Date
  /** A new 18-character id with the real checksum. */
  newId(keyPrefix: string): string
  /** Runs SOQL through the engine in `../soql`. Throws ApiError (status 400) on bad queries. */
  query(
    soql: string,
    opts: { includeDeleted: boolean; apiVersion: string },
  ): { totalSize: number; records: object[] }
  /**
   * Like query, but the records are read from the store as the answer is iterated, for
   * results too large to hold (Bulk exports, paged REST queries). totalSize is undefined
   * when it is the number of records iterated.
   */
  queryStream(
    soql: string,
    opts: { includeDeleted: boolean; apiVersion: string },
  ): {
    totalSize: number | undefined
    records: Iterable<object>
    /** Takes over the result-store set the records already are (see soql's QueryStream). */
    adopt?: () => { set: number; size: number }
  }
  /**
   * A query's first page as `/query` answers it: up to 2,000 records, the rest kept behind
   * `nextRecordsUrl` (a query locator) in the result store, never held in the heap.
   */
  queryPage(
    soql: string,
    opts: { includeDeleted: boolean; apiVersion: string },
  ): { totalSize: number; done: boolean; nextRecordsUrl?: string; records: object[] }
  /** Query results kept out of the heap between pages (locators, Bulk query jobs). */
  results: ResultStore
  /**
   * Runs one data API call internally (composite subrequests): not counted against the
   * limits, no fault injection, the same validation and result shapes as over HTTP.
   */
  dispatch(req: DispatchRequest): Promise<DispatchResponse>
  /** The rolling 24-hour API request counter. */
  limits: { used(): number; max(): number; count(n?: number): void }
  /**
   * The rolling 24-hour DailyBulkApiBatches allocation, shared by Bulk API 1.0 batches and
   * Bulk API 2.0 ingest jobs (one batch per 10,000 records).
   */
  bulkBatches: { exhausted(): boolean; count(): void }
}

/**
 * A feature registers its routes with this. Routes under `/services/data/:version/...` are
 * already authenticated, counted and fault-injected by the server's hook, and can read
 * `request.session` and `request.apiVersion`. Request bodies arrive as the raw string
 * (`request.body`), whatever the content type: use `readJsonBody` for JSON so that bad JSON
 * answers JSON_PARSER_ERROR as Salesforce does. Throw ApiError to answer an error array.
 */
export type Feature = (app: FastifyInstance, ctx: EmulatorContext) => void | Promise<void>

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every authenticated `/services/data/vNN.N/...` request. */
    session: Session
    /** The version in the path without its `v`, e.g. `'66.0'`. */
    apiVersion: string
  }
}
