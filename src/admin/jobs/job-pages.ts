// Dashboard pages for jobs (filters, details with each attempt's error, retry, purge, dead
// letters) and schedules (with their next run).
import type { Job, JobDetail, JobPage, Schedule, TrackedBulkJob } from '../../runtime/index.js'
import {
  actionButton,
  apiForm,
  dataTable,
  deleteButton,
  field,
  html,
  options,
  pretty,
  seg,
  type Html,
} from '../html/index.js'

const FILTERS = ['', 'queued', 'retrying', 'running', 'succeeded', 'dead'] as const

function when(d: Date | null): string {
  return d ? d.toISOString().replace('T', ' ').slice(0, 19) : '—'
}

function retryButton(job: Job): Html {
  const retryable = job.state === 'dead' || (job.state === 'queued' && job.attempts > 0)
  return retryable
    ? actionButton('Retry', { action: `/admin/api/jobs/${seg(job.id)}/retry`, then: 'reload' })
    : html``
}

export function jobList(page: JobPage, filter: { state?: string; service?: string }): Html {
  return html`<form class="inline card" method="get" action="/admin/jobs">
      ${field(
        'State',
        html`<select name="state">
          ${options(
            FILTERS.map(
              (s) => [s, `${s || 'any'}${s === 'dead' ? ' (dead letters)' : ''}`] as const,
            ),
            filter.state ?? '',
          )}
        </select>`,
      )}
      ${field('Service', html`<input name="service" value="${filter.service ?? ''}" />`)}
      <button type="submit">Filter</button>
      <a href="/admin/jobs?state=dead">Dead letters</a>
    </form>
    <div class="actions">
      ${actionButton('Purge succeeded', {
        action: '/admin/api/jobs/purge',
        body: { state: 'succeeded' },
        confirm: 'Delete every succeeded job?',
        then: 'reload',
        className: 'secondary',
      })}
      ${actionButton('Purge dead', {
        action: '/admin/api/jobs/purge',
        body: { state: 'dead' },
        confirm: 'Delete every dead job?',
        then: 'reload',
        className: 'danger',
      })}
      <span class="result" hidden></span>
    </div>
    ${dataTable(
      page.jobs,
      [
        {
          label: 'Job',
          cell: (j) => html`<a href="/admin/jobs/${seg(j.id)}">${j.id.slice(0, 8)}</a>`,
        },
        { label: 'Service', cell: (j) => j.service },
        { label: 'State', cell: (j) => html`<span class="badge ${j.state}">${j.state}</span>` },
        { label: 'Attempts', cell: (j) => `${j.attempts} / ${j.attemptLimit}` },
        {
          label: 'Last error',
          cell: (j) => (j.lastError ? `${j.lastError.code ?? ''} ${j.lastError.message}` : ''),
        },
        { label: 'Updated', cell: (j) => when(j.updatedAt) },
      ],
      'No jobs match.',
      retryButton,
    )}
    ${page.nextCursor ? html`<p><a href="/admin/jobs?${new URLSearchParams({ ...filter, cursor: page.nextCursor }).toString()}">Older jobs</a></p>` : ''}`
}

export function jobDetail(job: JobDetail, bulkCalls: TrackedBulkJob[] = []): Html {
  return html`<section class="card">
      <dl class="facts">
        <dt>Id</dt>
        <dd><code>${job.id}</code></dd>
        <dt>Service</dt>
        <dd>${job.service}</dd>
        <dt>State</dt>
        <dd><span class="badge ${job.state}">${job.state}</span></dd>
        <dt>Attempts</dt>
        <dd>${job.attempts} of ${job.attemptLimit}</dd>
        <dt>Next run</dt>
        <dd>${job.state === 'queued' ? when(job.runAt) : '—'}</dd>
        <dt>Created</dt>
        <dd>${when(job.createdAt)}</dd>
        <dt>Finished</dt>
        <dd>${when(job.finishedAt)}</dd>
        <dt>Correlation id</dt>
        <dd>${job.correlationId ?? '—'}</dd>
      </dl>
      <div class="actions">${retryButton(job)}<span class="result" hidden></span></div>
    </section>
    <div class="grid2">
      <section class="card">
        <h2>Input</h2>
        <pre>${pretty(job.input)}</pre>
      </section>
      <section class="card">
        <h2>Output</h2>
        <pre>${pretty(job.output)}</pre>
      </section>
    </div>
    <h2>Attempts</h2>
    ${dataTable(
      job.attemptHistory,
      [
        { label: '#', cell: (a) => a.attempt },
        { label: 'Started', cell: (a) => when(a.startedAt) },
        { label: 'Ended', cell: (a) => when(a.endedAt) },
        { label: 'Outcome', cell: (a) => a.outcome },
        {
          label: 'Error',
          cell: (a) =>
            html`${a.errorCode ? html`<code>${a.errorCode}</code> ` : ''}${a.errorMessage ?? ''}`,
        },
      ],
      'No attempt yet.',
    )}
    ${bulkCalls.length === 0 ? '' : bulkCallTable(bulkCalls)}`
}

/** The Bulk API calls a job made, tracked so that a restart resumes them (docs/bulk.md). */
function bulkCallTable(calls: TrackedBulkJob[]): Html {
  return html`<h2>Bulk API calls</h2>
    ${dataTable(
      calls,
      [
        { label: '#', cell: (b) => b.key.slice(b.key.lastIndexOf('#') + 1) },
        { label: 'Object', cell: (b) => b.object },
        { label: 'Operation', cell: (b) => b.operation },
        { label: 'State', cell: (b) => html`<span class="badge">${b.state}</span>` },
        { label: 'Processed', cell: (b) => b.recordsProcessed.toLocaleString('en') },
        { label: 'Failed', cell: (b) => b.recordsFailed.toLocaleString('en') },
        {
          label: 'Salesforce jobs',
          cell: (b) => html`${b.jobIds.map((id) => html`<code>${id}</code> `)}`,
        },
        { label: 'Updated', cell: (b) => when(b.updatedAt) },
      ],
      'None.',
    )}`
}

export function schedulePage(list: Schedule[], services: string[]): Html {
  return html`${dataTable(
      list,
      [
        { label: 'Name', cell: (s) => `${s.name}${s.enabled ? '' : ' (disabled)'}` },
        {
          label: 'Cron',
          cell: (s) => html`<code>${s.cron}</code>${s.timezone ? ` (${s.timezone})` : ''}`,
        },
        { label: 'Service', cell: (s) => s.service },
        { label: 'Input', cell: (s) => html`<code>${JSON.stringify(s.input)}</code>` },
        { label: 'Next run (UTC)', cell: (s) => when(s.nextRunAt) },
        { label: 'Last run', cell: (s) => when(s.lastRunAt) },
      ],
      'No schedules yet.',
      (s) => deleteButton(`/admin/api/schedules/${seg(s.name)}`, 'Delete this schedule?'),
    )}
    <h2>New schedule</h2>
    ${apiForm(
      { action: '/admin/api/schedules', then: 'reload', submit: 'Create schedule' },
      html`${field('Name', html`<input name="name" required maxlength="128" />`, 'letters, digits, space and ._:-')}
        ${field('Cron', html`<input name="cron" required />`, 'e.g. 0 6 * * * (every day at 06:00)')}
        ${field('Service', html`<input name="service" required list="services" />`)}
        <datalist id="services">
          ${services.map((s) => html`<option value="${s}"></option>`)}
        </datalist>
        ${field('Input (JSON)', html`<textarea name="input" data-json spellcheck="false">{}</textarea>`)}
        ${field('Time zone', html`<input name="timezone" />`, 'optional, e.g. Europe/Athens; default UTC')}
        ${field(
          'Runs missed while the server was down',
          html`<select name="missedRunPolicy">
            ${options(
              [
                ['skip', 'skip them'],
                ['run-once', 'run the latest once'],
                ['run-all', 'run them all'],
              ],
              'skip',
            )}
          </select>`,
        )}`,
    )}`
}
