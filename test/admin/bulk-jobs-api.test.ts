// GET /admin/api/bulk-jobs against a real runtime: the Bulk calls tracked for async jobs, newest
// first, filtered by invocation; refused without a session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BulkJobStore } from '../../src/runtime/index.js'
import { callApi, signedIn, type AdminCaller } from './admin-api-client.js'
import { startAdminServer, type AdminServer } from './admin-fixture.js'

let server: AdminServer
let asAdmin: AdminCaller

beforeAll(async () => {
  server = await startAdminServer({ runtimeQueue: true })
  asAdmin = await signedIn(server.url)
  const bulkJobs = new BulkJobStore(server.store)
  await bulkJobs.scopeFor('job-a').journal.record('job-a#1', {
    object: 'Account',
    operation: 'insert',
    connection: 'crm',
    uploaded: true,
    jobs: [
      {
        id: '750000000000001AAA',
        rows: 3000,
        closed: true,
        state: 'JobComplete',
        numberRecordsProcessed: 3000,
        numberRecordsFailed: 4,
      },
      {
        id: '750000000000002AAA',
        rows: 500,
        closed: true,
        state: 'InProgress',
        numberRecordsProcessed: 200,
        numberRecordsFailed: 0,
      },
    ],
  })
  await bulkJobs.scopeFor('job-b').journal.record('job-b#1', {
    object: 'Contact',
    operation: 'delete',
    uploaded: false,
    jobs: [{ id: '750000000000003AAA', closed: false }],
  })
})
afterAll(() => server.close())

describe('GET /admin/api/bulk-jobs', () => {
  it('lists tracked Bulk calls with their summed state and counts', async () => {
    const all = await asAdmin('GET', '/admin/api/bulk-jobs')
    expect(all.status).toBe(200)
    expect(all.body).toHaveLength(2)
    const a = (all.body as Array<{ key: string }>).find((t) => t.key === 'job-a#1')
    expect(a).toMatchObject({
      invocationId: 'job-a',
      connection: 'crm',
      object: 'Account',
      operation: 'insert',
      jobIds: ['750000000000001AAA', '750000000000002AAA'],
      state: 'InProgress',
      recordsProcessed: 3200,
      recordsFailed: 4,
    })
    const b = await asAdmin('GET', '/admin/api/bulk-jobs?invocationId=job-b')
    expect(b.body).toMatchObject([{ key: 'job-b#1', state: 'Open', connection: null }])
    const bad = await asAdmin('GET', '/admin/api/bulk-jobs?limit=0')
    expect(bad.status).toBe(400)
  })

  it("shows a job's Bulk calls on its dashboard page", async () => {
    const { id } = await server.runtime.queue.enqueue({ service: 'accounts.load', input: {} })
    await new BulkJobStore(server.store).scopeFor(id).journal.record(`${id}#1`, {
      object: 'Account',
      operation: 'upsert',
      uploaded: true,
      jobs: [
        {
          id: '750000000000009AAA',
          rows: 12000,
          closed: true,
          state: 'JobComplete',
          numberRecordsProcessed: 12000,
          numberRecordsFailed: 7,
        },
      ],
    })
    const page = await asAdmin('GET', `/admin/jobs/${id}`)
    expect(page.status).toBe(200)
    const text = String(page.body)
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
    expect(text).toContain('Bulk API calls')
    expect(text).toMatch(/1 Account upsert JobComplete 12,000 7 750000000000009AAA/)
  })

  it('refuses a caller without a session', async () => {
    expect((await callApi(server.url, 'GET', '/admin/api/bulk-jobs')).status).toBe(401)
  })
})
