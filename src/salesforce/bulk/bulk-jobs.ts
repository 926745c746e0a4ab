// Bulk API 2.0 job calls shared by ingest and query jobs (salesforce-api.md §6): job info,
// close, abort, delete, and polling with backoff until a job reaches a final state.

import { ForcebridgeError } from '../../util/index.js'
import type { Requester } from '../requester.js'

export type JobKind = 'ingest' | 'query'
export type JobState =
  'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted'

/** Job info as Salesforce sends it; fields not listed here are kept. */
export interface JobInfo {
  id: string
  object?: string
  operation: string
  state: JobState
  numberRecordsProcessed?: number
  numberRecordsFailed?: number
  errorMessage?: string
  apiVersion?: number
  [key: string]: unknown
}

export interface PollOptions {
  /** First wait between status checks. Default 1,000 ms. */
  initialDelayMs?: number
  /** Longest wait between checks. Default 15,000 ms. */
  maxDelayMs?: number
  /** Growth of the wait after each check. Default 1.5. */
  factor?: number
  /** Give up waiting (the job keeps running in Salesforce) after this long. Default 30 minutes. */
  timeoutMs?: number
  /** Called after each status check, e.g. for a progress bar. */
  onProgress?: (job: JobInfo) => void
  /** For tests: how to wait. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>
  signal?: AbortSignal
}

const FINAL: readonly JobState[] = ['JobComplete', 'Failed', 'Aborted']

export function jobPath(kind: JobKind, id?: string): string {
  if (id !== undefined && !/^[A-Za-z0-9]{15,18}$/.test(id)) {
    throw new ForcebridgeError('INVALID_INPUT', `bulk: ${JSON.stringify(id)} is not a job id`)
  }
  return id === undefined ? `jobs/${kind}` : `jobs/${kind}/${id}`
}

export async function getJob(requester: Requester, kind: JobKind, id: string): Promise<JobInfo> {
  return (await requester.request<JobInfo>({ method: 'GET', path: jobPath(kind, id) })).body
}

async function setState(
  requester: Requester,
  kind: JobKind,
  id: string,
  state: 'UploadComplete' | 'Aborted',
): Promise<JobInfo> {
  return (
    await requester.request<JobInfo>({ method: 'PATCH', path: jobPath(kind, id), body: { state } })
  ).body
}

/** Tells Salesforce the upload is complete, so it starts processing. */
export function closeJob(requester: Requester, id: string): Promise<JobInfo> {
  return setState(requester, 'ingest', id, 'UploadComplete')
}

/** Stops a job; Salesforce answers 400 INVALIDJOBSTATE for a job that already finished. */
export function abortJob(requester: Requester, kind: JobKind, id: string): Promise<JobInfo> {
  return setState(requester, kind, id, 'Aborted')
}

/** Deletes a job and its results (204). */
export async function deleteJob(requester: Requester, kind: JobKind, id: string): Promise<void> {
  await requester.request({ method: 'DELETE', path: jobPath(kind, id) })
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Polls until the job is JobComplete, Failed or Aborted and returns that job info. On timeout
 * throws BULK_JOB_TIMEOUT and leaves the job running (call waitForJob again to resume).
 */
export async function waitForJob(
  requester: Requester,
  kind: JobKind,
  id: string,
  poll: PollOptions = {},
): Promise<JobInfo> {
  const sleep = poll.sleep ?? defaultSleep
  const maxDelay = poll.maxDelayMs ?? 15_000
  const factor = poll.factor ?? 1.5
  const timeout = poll.timeoutMs ?? 30 * 60_000
  let delay = poll.initialDelayMs ?? 1000
  let waited = 0
  for (;;) {
    poll.signal?.throwIfAborted()
    const job = await getJob(requester, kind, id)
    poll.onProgress?.(job)
    if (FINAL.includes(job.state)) return job
    if (waited >= timeout) {
      throw new ForcebridgeError(
        'BULK_JOB_TIMEOUT',
        `bulk ${kind} job ${id} is still ${job.state} after ${Math.round(waited / 1000)} s; it keeps running in Salesforce: wait again or abort it`,
      )
    }
    await sleep(delay)
    waited += delay
    delay = Math.min(maxDelay, Math.ceil(delay * factor))
  }
}
