// The error answers of Bulk API 2.0: the standard `[{errorCode, message}]` array, which
// jsforce's Bulk 2.0 client detects through `body[0].errorCode` (salesforce-api.md §6).

import { ApiError } from '../model/index.js'

export const jobNotFound = (id: string) =>
  new ApiError(
    404,
    'NOT_FOUND',
    `The requested resource does not exist: no Bulk API 2.0 job ${id} in this org`,
  )

export const invalidJobState = (message: string) => new ApiError(400, 'INVALIDJOBSTATE', message)

export const invalidJob = (message: string) =>
  new ApiError(400, 'INVALIDJOB', `InvalidJob : ${message}`)

/** The page of a job list and the locator of the next page (1,000 jobs a page). */
export function listPage<T>(
  jobs: T[],
  locator: string | undefined,
  nextUrl: (locator: string) => string,
): { done: boolean; records: T[]; nextRecordsUrl: string | null } {
  const offset =
    locator === undefined ? 0 : Number(Buffer.from(locator, 'base64url').toString('utf8'))
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ApiError(
      400,
      'INVALID_LOCATOR',
      `The queryLocator ${locator} is not one this org issued.`,
    )
  }
  const end = offset + 1000
  const records = jobs.slice(offset, end)
  const done = end >= jobs.length
  return {
    done,
    records,
    nextRecordsUrl: done ? null : nextUrl(Buffer.from(String(end)).toString('base64url')),
  }
}
