// The error answers of Bulk API 2.0: the standard `[{errorCode, message}]` array, which
// jsforce's Bulk 2.0 client detects through `body[0].errorCode` (salesforce-api.md §6).

import type { FastifyReply } from 'fastify'
import { ApiError } from '../model/index.js'

export const jobNotFound = (id: string) =>
  new ApiError(
    404,
    'NOT_FOUND',
    `The requested resource does not exist: no Bulk API 2.0 job ${id} in this org`,
  )

/** Looks a job up by id; the 404 Salesforce gives for an unknown one otherwise. */
export function jobFinder<J>(jobs: Map<string, J>): (id: string) => J {
  return (id) => {
    const job = jobs.get(id)
    if (job === undefined) throw jobNotFound(id)
    return job
  }
}

/** A JSON answer with the content type Bulk API 2.0 sends. */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json;charset=UTF-8').send(body)
}

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
