// Dashboard pages for jobs (filters, details with each attempt's error, retry, purge, dead
// letters), schedules (with their next run) and the audit log.
import type { Job, JobDetail, JobPage } from '../runtime/queue/index.js'
import type { AuditEntry } from '../store/index.js'
import { html, pretty, seg, type Html } from './html.js'
import type { Schedule } from '../runtime/scheduler/index.js'

const FILTERS = ['', 'queued', 'retrying', 'running', 'succeeded', 'dead'] as const

function when(d: Date | null): string {
  return d ? d.toISOString().replace('T', ' ').slice(0, 19) : '—'
}

function retryButton(job: Job): Html {
  const retryable = job.state === 'dead' || (job.state === 'queued' && job.attempts > 0)
  return retryable
    ? html`<button
        type="button"
        data-action="/admin/api/jobs/${seg(job.id)}/retry"
        data-then="reload"
      >
        Retry
      </button>`
    : html``
}

export function jobList(page: JobPage, filter: { state?: string; service?: string }): Html {
  return html`<form class="inline card" method="get" action="/admin/jobs">
      <label
        >State
        <select name="state">
          ${FILTERS.map(
            (s) =>
              html`<option value="${s}" ${s === (filter.state ?? '') ? html`selected` : ''}>
                ${s || 'any'}${s === 'dead' ? ' (dead letters)' : ''}
              </option>`,
          )}
        </select></label
      >
      <label>Service <input name="service" value="${filter.service ?? ''}" /></label>
      <button type="submit">Filter</button>
      <a href="/admin/jobs?state=dead">Dead letters</a>
    </form>
    <div class="actions">
      <button
        type="button"
        class="secondary"
        data-action="/admin/api/jobs/purge"
        data-body='{"state":"succeeded"}'
        data-confirm="Delete every succeeded job?"
        data-then="reload"
      >
        Purge succeeded
      </button>
      <button
        type="button"
        class="danger"
        data-action="/admin/api/jobs/purge"
        data-body='{"state":"dead"}'
        data-confirm="Delete every dead job?"
        data-then="reload"
      >
        Purge dead
      </button>
      <span class="result" hidden></span>
    </div>
    ${
      page.jobs.length
        ? html`<div class="scroll">
              <table class="responsive">
                <thead>
                  <tr>
                    <th>Job</th>
                    <th>Service</th>
                    <th>State</th>
                    <th>Attempts</th>
                    <th>Last error</th>
                    <th>Updated</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  ${page.jobs.map(
                    (j) =>
                      html`<tr>
                        <td data-label="Job">
                          <a href="/admin/jobs/${seg(j.id)}">${j.id.slice(0, 8)}</a>
                        </td>
                        <td data-label="Service">${j.service}</td>
                        <td data-label="State"><span class="badge ${j.state}">${j.state}</span></td>
                        <td data-label="Attempts">${j.attempts} / ${j.attemptLimit}</td>
                        <td data-label="Last error">
                          ${j.lastError ? `${j.lastError.code ?? ''} ${j.lastError.message}` : ''}
                        </td>
                        <td data-label="Updated">${when(j.updatedAt)}</td>
                        <td class="actions">
                          ${retryButton(j)}<span class="result" hidden></span>
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            ${page.nextCursor ? html`<p><a href="/admin/jobs?${new URLSearchParams({ ...filter, cursor: page.nextCursor }).toString()}">Older jobs</a></p>` : ''}`
        : html`<p class="muted">No jobs match.</p>`
    }`
}

export function jobDetail(job: JobDetail): Html {
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
    <div class="scroll">
      <table class="responsive">
        <thead>
          <tr>
            <th>#</th>
            <th>Started</th>
            <th>Ended</th>
            <th>Outcome</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          ${job.attemptHistory.map(
            (a) =>
              html`<tr>
                <td data-label="#">${a.attempt}</td>
                <td data-label="Started">${when(a.startedAt)}</td>
                <td data-label="Ended">${when(a.endedAt)}</td>
                <td data-label="Outcome">${a.outcome}</td>
                <td data-label="Error">
                  ${a.errorCode ? html`<code>${a.errorCode}</code> ` : ''}${a.errorMessage ?? ''}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`
}

export function schedulePage(list: Schedule[], services: string[]): Html {
  return html`${
      list.length
        ? html`<div class="scroll">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Cron</th>
                  <th>Service</th>
                  <th>Input</th>
                  <th>Next run (UTC)</th>
                  <th>Last run</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${list.map(
                  (s) =>
                    html`<tr>
                      <td data-label="Name">${s.name}${s.enabled ? '' : ' (disabled)'}</td>
                      <td data-label="Cron">
                        <code>${s.cron}</code>${s.timezone ? ` (${s.timezone})` : ''}
                      </td>
                      <td data-label="Service">${s.service}</td>
                      <td data-label="Input"><code>${JSON.stringify(s.input)}</code></td>
                      <td data-label="Next run">${when(s.nextRunAt)}</td>
                      <td data-label="Last run">${when(s.lastRunAt)}</td>
                      <td class="actions">
                        <button
                          type="button"
                          class="danger"
                          data-action="/admin/api/schedules/${seg(s.name)}"
                          data-method="DELETE"
                          data-confirm="Delete this schedule?"
                          data-then="reload"
                        >
                          Delete</button
                        ><span class="result" hidden></span>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<p class="muted">No schedules yet.</p>`
    }
    <h2>New schedule</h2>
    <form class="stack card" data-action="/admin/api/schedules" data-then="reload">
      <label
        >Name <span class="hint">letters, digits, space and ._:-</span
        ><input name="name" required maxlength="128"
      /></label>
      <label
        >Cron <span class="hint">e.g. 0 6 * * * (every day at 06:00)</span
        ><input name="cron" required
      /></label>
      <label>Service <input name="service" required list="services" /></label>
      <datalist id="services">
        ${services.map((s) => html`<option value="${s}"></option>`)}
      </datalist>
      <label>Input (JSON) <textarea name="input" data-json spellcheck="false">{}</textarea></label>
      <label
        >Time zone <span class="hint">optional, e.g. Europe/Athens; default UTC</span
        ><input name="timezone"
      /></label>
      <label
        >Runs missed while the server was down
        <select name="missedRunPolicy">
          <option value="skip">skip them</option>
          <option value="run-once">run the latest once</option>
          <option value="run-all">run them all</option>
        </select></label
      >
      <div class="actions"><button type="submit">Create schedule</button></div>
      <div class="result" hidden></div>
    </form>`
}

export function auditPage(entries: AuditEntry[]): Html {
  if (!entries.length) return html`<p class="muted">Nothing recorded yet.</p>`
  const last = entries.at(-1)
  return html`<div class="scroll">
      <table class="responsive">
        <thead>
          <tr>
            <th>When (UTC)</th>
            <th>Who</th>
            <th>What</th>
            <th>Target</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          ${entries.map(
            (e) =>
              html`<tr>
                <td data-label="When">${e.at.replace('T', ' ').slice(0, 19)}</td>
                <td data-label="Who">${e.actor}</td>
                <td data-label="What">${e.action}</td>
                <td data-label="Target">${e.target}</td>
                <td data-label="Details">
                  ${e.detail ? html`<code>${JSON.stringify(e.detail)}</code>` : ''}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${entries.length >= 100 && last ? html`<p><a href="/admin/audit?before=${last.id}">Older entries</a></p>` : ''}`
}

export function signInForm(): Html {
  return html`<form
    class="stack card"
    data-action="/admin/api/session"
    data-redirect="/admin/connections"
  >
    <label>User <input name="name" required autocomplete="username" autofocus /></label>
    <label
      >Password <input name="password" type="password" required autocomplete="current-password"
    /></label>
    <div class="actions"><button type="submit">Sign in</button></div>
    <div class="result" hidden></div>
  </form>`
}

export function unavailable(message: string): Html {
  return html`<p class="muted">${message}</p>`
}
