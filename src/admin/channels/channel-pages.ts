// Dashboard pages for channels: the list with each channel's security and limits, the create
// form and the edit form (the same form, sent as PATCH so the channel keeps its id).
import {
  CHANNEL_METHODS,
  type ChannelInfo,
  type SecurityDefinitionInfo,
} from '../../store/index.js'
import type { ChannelView } from './channel-actions.js'
import {
  apiForm,
  dataTable,
  deleteButton,
  field,
  html,
  options,
  seg,
  type Html,
} from '../html/index.js'
import { securityForm, securityTable } from '../security/index.js'

const KIB = 1024

/** "10 per 60 s · 5,000 ms · 64 KiB", or "none" for a channel on the server's defaults. */
export function limitsText(c: ChannelInfo): string {
  const parts = [
    c.rateLimit && `${c.rateLimit.requests} per ${c.rateLimit.perSeconds} s`,
    c.timeoutMs !== null && `timeout ${c.timeoutMs.toLocaleString('en')} ms`,
    c.maxBodyBytes !== null &&
      `body ≤ ${
        c.maxBodyBytes % KIB === 0
          ? `${(c.maxBodyBytes / KIB).toLocaleString('en')} KiB`
          : `${c.maxBodyBytes.toLocaleString('en')} bytes`
      }`,
  ].filter(Boolean)
  return parts.length ? parts.join(' · ') : 'none'
}

function numberInput(name: string, value: number | null | undefined, min: number): Html {
  return html`<input
    name="${name}"
    type="number"
    inputmode="numeric"
    min="${min}"
    step="1"
    data-number
    value="${value ?? ''}"
  />`
}

/** The limit fields: blank means none (or the server default); a rate limit needs both numbers. */
function limitFields(c: ChannelInfo | undefined): Html {
  const body = c?.maxBodyBytes ?? null
  const inKib = body !== null && body % KIB === 0
  return html`<fieldset class="limits">
    <legend>Limits <span class="hint">optional; blank means none</span></legend>
    <div class="row">
      ${field('Rate limit: requests', numberInput('rateLimit.requests', c?.rateLimit?.requests, 1))}
      ${field('per seconds', numberInput('rateLimit.perSeconds', c?.rateLimit?.perSeconds, 1))}
    </div>
    ${field('Timeout (ms)', numberInput('timeoutMs', c?.timeoutMs, 100), 'the service’s time budget per request; at least 100')}
    <div class="row">
      ${field(
        'Max body',
        html`<input
          name="maxBodyBytes"
          type="number"
          inputmode="numeric"
          min="1"
          step="1"
          data-number
          data-scale="maxBodyUnit"
          value="${body === null ? '' : inKib ? body / KIB : body}"
        />`,
      )}
      ${field(
        'unit',
        html`<select name="maxBodyUnit" data-unit>
          ${options(
            [
              ['1', 'bytes'],
              [String(KIB), 'KiB'],
            ],
            inKib || body === null ? String(KIB) : '1',
          )}
        </select>`,
      )}
    </div>
  </fieldset>`
}

export function channelForm(
  defs: SecurityDefinitionInfo[],
  services: string[],
  existing?: ChannelView,
): Html {
  const fields = html`${field(
      'Method',
      html`<select name="method">
        ${options(
          CHANNEL_METHODS.map((m) => [m, m] as const),
          existing?.method ?? 'POST',
        )}
      </select>`,
    )}
    ${field('Path', html`<input name="path" required value="${existing?.path ?? ''}" />`, 'e.g. /api/campaigns/:id')}
    ${field('Service', html`<input name="service" required list="services" value="${existing?.service ?? ''}" />`)}
    <datalist id="services">${services.map((s) => html`<option value="${s}"></option>`)}</datalist>
    ${field(
      'Security definition',
      html`<select name="securityDefinitionId">
        ${options(
          [['', 'none (open to anyone)'], ...defs.map((d) => [d.id, d.name] as const)],
          existing?.securityDefinitionId ?? '',
        )}
      </select>`,
    )}
    ${limitFields(existing)}`
  return existing
    ? apiForm(
        {
          action: `/admin/api/channels/${seg(existing.id)}`,
          method: 'PATCH',
          redirect: '/admin/channels',
          submit: 'Save',
          extra: html`<a href="/admin/channels">Cancel</a>`,
        },
        fields,
      )
    : apiForm({ action: '/admin/api/channels', then: 'reload', submit: 'Create channel' }, fields)
}

export function channelTable(channels: ChannelView[]): Html {
  return dataTable(
    channels,
    [
      { label: 'Method', cell: (c) => c.method },
      { label: 'Path', cell: (c) => html`<code>${c.path}</code>` },
      {
        label: 'Service',
        cell: (c) => html`<a href="/admin/services/${seg(c.service)}">${c.service}</a>`,
      },
      { label: 'Security', cell: (c) => c.securityDefinitionName ?? 'open' },
      { label: 'Limits', cell: (c) => limitsText(c) },
    ],
    'No channels yet.',
    (c) =>
      html`<a href="/admin/channels/${seg(c.id)}/edit">Edit</a>
        ${deleteButton(`/admin/api/channels/${seg(c.id)}`, `Delete channel ${c.method} ${c.path}?`)}`,
  )
}

/** The channels page: channels, a new channel, security definitions, a new definition. */
export function channelPage(
  channels: ChannelView[],
  defs: SecurityDefinitionInfo[],
  services: string[],
): Html {
  return html`<h2>Channels</h2>
    ${channelTable(channels)}
    <h2>New channel</h2>
    ${channelForm(defs, services)}
    <h2 id="security">Security definitions</h2>
    ${securityTable(defs)}
    <h2>New security definition</h2>
    ${securityForm()}`
}
