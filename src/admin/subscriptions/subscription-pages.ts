// Dashboard pages for event subscriptions: each event service's state, position, lease, lag and
// last error, and its dead letters. Read-only: changes go through `forcebridge subscription`.
import type { DeadLetterInfo, SubscriptionInfo } from '../../store/index.js'
import { dataTable, html, seg, type Html } from '../html/index.js'

function when(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

/** Seconds from the commit of the last handled change event to now; '' before any. */
function lag(s: SubscriptionInfo, now: number): string {
  return s.lastEventAt === null ? '—' : `${Math.max(0, Math.round((now - s.lastEventAt) / 1000))} s`
}

export function subscriptionList(all: SubscriptionInfo[], now = Date.now()): Html {
  return dataTable(
    all,
    [
      {
        label: 'Service',
        cell: (s) => html`<a href="/admin/subscriptions/${seg(s.service)}">${s.service}</a>`,
      },
      { label: 'Topic', cell: (s) => s.topic },
      { label: 'Connection', cell: (s) => s.connection },
      { label: 'State', cell: (s) => html`<span class="badge ${s.state}">${s.state}</span>` },
      { label: 'Handled', cell: (s) => String(s.eventsHandled) },
      { label: 'Dead letters', cell: (s) => String(s.deadLetters) },
      { label: 'Since last change', cell: (s) => lag(s, now) },
      { label: 'Last error', cell: (s) => s.lastError ?? '' },
    ],
    'No subscriptions: a server starts one for each service with `events`.',
  )
}

export function subscriptionDetail(
  s: SubscriptionInfo,
  letters: DeadLetterInfo[],
  now = Date.now(),
): Html {
  return html`<dl class="card">
      <dt>Topic</dt>
      <dd>${s.topic} (connection ${s.connection})</dd>
      <dt>State</dt>
      <dd><span class="badge ${s.state}">${s.state}</span></dd>
      <dt>Position</dt>
      <dd><code>${s.position ?? 'none yet'}</code> ${s.orgId ? `(org ${s.orgId})` : ''}</dd>
      <dt>Lease</dt>
      <dd>
        ${s.leaseOwner ? `${s.leaseOwner} until ${when(s.leaseUntil)}` : 'free'} (fence ${s.fence})
      </dd>
      <dt>Handled</dt>
      <dd>${s.eventsHandled} events in ${s.batchesHandled} batches</dd>
      <dt>Last change handled</dt>
      <dd>${when(s.lastEventAt)} (${lag(s, now)} ago)</dd>
      <dt>Last error</dt>
      <dd>${s.lastError ?? '—'}</dd>
    </dl>
    <h2>Dead letters</h2>
    <p class="muted">
      Retry one with <code>forcebridge subscription retry ${s.service} &lt;id&gt;</code>.
    </p>
    ${dataTable(
      letters,
      [
        { label: 'Id', cell: (l) => html`<code>${l.id}</code>` },
        { label: 'State', cell: (l) => html`<span class="badge ${l.state}">${l.state}</span>` },
        { label: 'Events', cell: (l) => String(l.eventCount) },
        { label: 'Attempts', cell: (l) => String(l.attempts) },
        { label: 'Error', cell: (l) => l.error },
        { label: 'Parked', cell: (l) => when(l.createdAt) },
      ],
      'No dead letters.',
    )}`
}
