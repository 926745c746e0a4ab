// Dashboard pages for event subscriptions: each event service's state, position, lease, lag and
// last error, and its dead letters; buttons to pause, resume, reset the position and retry a
// parked dead letter, each a request to the admin API (subscription-actions.ts), as the CLI's
// `forcebridge subscription` does.
import type { DeadLetterInfo, SubscriptionInfo } from '../../store/index.js'
import { actionButton, apiForm, dataTable, field, html, seg, type Html } from '../html/index.js'

function when(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

/** The stored position as an operator reads it: a reset's marker in words, else the replay id. */
function positionText(position: string | null): string {
  if (position === null) return 'none yet'
  if (position.startsWith('@')) return `${position.slice(1)} (reset; the consumer starts there)`
  return position
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
  const api = `/admin/api/subscriptions/${seg(s.service)}`
  const stateButton =
    s.state === 'active'
      ? actionButton('Pause', {
          action: `${api}/pause`,
          then: 'reload',
          confirm: 'Pause this subscription? Its consumer stops after the batch in hand.',
        })
      : actionButton('Resume', { action: `${api}/resume`, then: 'reload' })
  const resetTo = (to: 'earliest' | 'latest') =>
    actionButton(`Reset to ${to}`, {
      action: `${api}/reset`,
      body: { to },
      then: 'reload',
      confirm:
        to === 'earliest'
          ? 'Reset to the earliest retained event? Events handled already are handled again.'
          : 'Reset to the latest event? Events not handled yet are skipped.',
    })
  return html`<dl class="card">
      <dt>Topic</dt>
      <dd>${s.topic} (connection ${s.connection})</dd>
      <dt>State</dt>
      <dd><span class="badge ${s.state}">${s.state}</span></dd>
      <dt>Position</dt>
      <dd><code>${positionText(s.position)}</code> ${s.orgId ? `(org ${s.orgId})` : ''}</dd>
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
    <section class="card">
      <div class="actions">
        ${stateButton} ${resetTo('earliest')} ${resetTo('latest')}
        <span class="result" hidden></span>
      </div>
    </section>
    ${apiForm(
      { action: `${api}/reset`, then: 'reload', submit: 'Reset to this replay id' },
      field(
        'Replay id',
        html`<input name="to" required spellcheck="false" />`,
        'base64, as the position above shows it; the consumer resumes after it',
      ),
    )}
    <h2>Dead letters</h2>
    <p class="muted">
      Retry hands a parked batch to the service again, by the consumer holding the subscription.
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
      (l) =>
        l.state === 'parked'
          ? actionButton('Retry', {
              action: `${api}/dead-letters/${seg(l.id)}/retry`,
              then: 'reload',
            })
          : '',
    )}`
}
