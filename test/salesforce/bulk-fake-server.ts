// A test-only Bulk API 2.0 server on loopback: ingest jobs that fail rows named bad*, return
// result rows in reverse order (Salesforce does not keep upload order), and paged query jobs.

import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { sendJson, startLoopback, type Loopback } from './data-loopback.js'

interface FakeJob {
  id: string
  kind: 'ingest' | 'query'
  operation: string
  object?: string
  externalIdFieldName?: string
  query?: string
  state: string
  polls: number
  uploads: string[]
  errorMessage?: string
}

export interface FakeBulk extends Loopback {
  jobs: Map<string, FakeJob>
  /** Rows the query jobs return. */
  queryRows: Array<Record<string, string>>
  /** Make the next closed ingest job end Failed. */
  failNextJob: boolean
  /** Status checks that answer InProgress before JobComplete. */
  pollsBeforeDone: number
}

export async function startFakeBulk(): Promise<FakeBulk> {
  let counter = 0
  let ids = 0
  const state = {
    jobs: new Map<string, FakeJob>(),
    queryRows: [] as Array<Record<string, string>>,
    failNextJob: false,
    pollsBeforeDone: 2,
  }
  const info = (j: FakeJob) => ({
    id: j.id,
    operation: j.operation,
    object: j.object,
    state: j.state,
    errorMessage: j.errorMessage,
    apiVersion: 66,
  })
  const rowsOf = (j: FakeJob) =>
    j.uploads.flatMap((u) => parse<Record<string, string>>(u, { columns: true }))
  const csv = (rows: Array<Record<string, string>>, columns: string[]) =>
    stringify(rows, { header: true, columns, quoted: true })

  const server = await startLoopback((req, res) => {
    if (req.url.pathname === '/services/data/v66.0/composite/sobjects') {
      const { records } = req.json() as { records: Array<{ Name?: string }> }
      return sendJson(
        res,
        200,
        records.map((r) =>
          r.Name?.startsWith('bad')
            ? {
                success: false,
                errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'missing', fields: [] }],
              }
            : { id: `001R${String(++ids).padStart(14, '0')}`, success: true, errors: [] },
        ),
      )
    }
    const m = /^\/services\/data\/v66\.0\/jobs\/(ingest|query)(?:\/(\w+))?(?:\/(\w+))?\/?$/.exec(
      req.url.pathname,
    )
    if (!m) return sendJson(res, 404, [{ errorCode: 'NOT_FOUND', message: req.url.pathname }])
    const [, kind, id, sub] = m as unknown as [
      string,
      'ingest' | 'query',
      string | undefined,
      string | undefined,
    ]
    if (req.method === 'POST' && !id) {
      const body = req.json() as {
        operation: string
        object?: string
        externalIdFieldName?: string
        query?: string
      }
      const job: FakeJob = {
        id: `750R${String(++counter).padStart(11, '0')}`,
        kind,
        ...body,
        state: kind === 'ingest' ? 'Open' : 'UploadComplete',
        polls: 0,
        uploads: [],
      }
      state.jobs.set(job.id, job)
      return sendJson(res, 200, info(job))
    }
    const job = id ? state.jobs.get(id) : undefined
    if (!job) return sendJson(res, 404, [{ errorCode: 'NOT_FOUND', message: 'no job' }])
    if (req.method === 'PUT' && sub === 'batches') {
      job.uploads.push(req.text)
      res.writeHead(201)
      return res.end()
    }
    if (req.method === 'PATCH' && !sub) {
      const { state: next } = req.json() as { state: string }
      job.state = next
      if (next === 'UploadComplete' && state.failNextJob) {
        state.failNextJob = false
        job.errorMessage = 'InvalidBatch : Field name not found : Nope__c'
        job.polls = -1
      }
      return sendJson(res, 200, info(job))
    }
    if (req.method === 'DELETE' && !sub) {
      state.jobs.delete(job.id)
      res.writeHead(204)
      return res.end()
    }
    if (req.method === 'GET' && !sub) {
      if (job.state === 'UploadComplete' || job.state === 'InProgress') {
        if (job.polls === -1) job.state = 'Failed'
        else job.state = ++job.polls > state.pollsBeforeDone ? 'JobComplete' : 'InProgress'
      }
      return sendJson(res, 200, info(job))
    }
    res.setHeader('content-type', 'text/csv')
    if (kind === 'ingest') {
      const rows = rowsOf(job)
      const columns = rows[0] ? Object.keys(rows[0]) : []
      if (sub === 'successfulResults') {
        const ok = rows
          .filter((r) => !r.Name?.startsWith('bad'))
          .map((r) => ({
            sf__Id: r.Id ?? `001R${String(++ids).padStart(14, '0')}`,
            sf__Created: String(
              job.operation === 'insert' || (job.operation === 'upsert' && Number(r.Seq) % 2 === 0),
            ),
            ...r,
          }))
        return res.end(
          job.state === 'Failed' ? '' : csv(ok.reverse(), ['sf__Id', 'sf__Created', ...columns]),
        )
      }
      if (sub === 'failedResults') {
        const bad = rows
          .filter((r) => r.Name?.startsWith('bad'))
          .map((r) => ({
            sf__Id: r.Id ?? '',
            sf__Error: 'REQUIRED_FIELD_MISSING:Required fields are missing: [Industry]:Industry --',
            ...r,
          }))
        return res.end(
          job.state === 'Failed' ? '' : csv(bad.reverse(), ['sf__Id', 'sf__Error', ...columns]),
        )
      }
      if (sub === 'unprocessedrecords')
        return res.end(job.state === 'Failed' ? csv(rows, columns) : '')
    }
    if (kind === 'query' && sub === 'results') {
      const offset = Number(req.url.searchParams.get('locator') ?? 0)
      const max = Number(req.url.searchParams.get('maxRecords') ?? 1000)
      const page = state.queryRows.slice(offset, offset + max)
      const next = offset + max < state.queryRows.length ? String(offset + max) : 'null'
      res.setHeader('sforce-locator', next)
      res.setHeader('sforce-numberofrecords', String(page.length))
      return res.end(csv(page, Object.keys(state.queryRows[0] ?? {})))
    }
    sendJson(res, 404, [{ errorCode: 'NOT_FOUND', message: 'unknown' }])
  })
  return Object.assign(state, server)
}
