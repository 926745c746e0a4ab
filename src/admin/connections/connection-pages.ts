// Dashboard pages for connections: the list with API usage, one connection with Ping and its
// usage chart, and the create/edit form. Secret inputs are never prefilled.
import type { AuthFlow, ConnectionInfo, SecretField } from '../../store/index.js'
import type { ConnectionView } from './connection-actions.js'
import {
  apiForm,
  dataTable,
  deleteButton,
  field,
  html,
  options,
  seg,
  shownWhen,
  type Html,
} from '../html/index.js'
import { usageChart, usageGauge } from '../usage/index.js'

const FLOW_LABEL: Record<AuthFlow, string> = {
  password: 'Username + password (+ security token)',
  client_credentials: 'Client credentials',
  jwt_bearer: 'JWT bearer (private key)',
  refresh_token: 'Refresh token',
}

export function connectionList(list: ConnectionView[]): Html {
  return html`<div class="actions">
      <a class="button" href="/admin/connections/new">New connection</a>
    </div>
    ${dataTable(
      list,
      [
        {
          label: 'Name',
          cell: (c) => html`<a href="/admin/connections/${seg(c.name)}">${c.name}</a>`,
        },
        { label: 'Flow', cell: (c) => FLOW_LABEL[c.authFlow] },
        { label: 'Login URL', cell: (c) => c.loginUrl },
        {
          label: 'Active',
          cell: (c) =>
            html`<span class="badge ${c.active ? 'on' : 'off'}"
              >${c.active ? 'active' : 'inactive'}</span
            >`,
        },
        { label: 'API usage', cell: (c) => usageGauge(c.usage) },
      ],
      'No connections yet.',
    )}`
}

/**
 * The API usage gauge and chart. The page fetches it again from `usagePanelUrl` after a Ping,
 * so the figures the ping saw show without a reload.
 */
export function usagePanel(c: ConnectionView): Html {
  return html`<h2>API usage</h2>
    <p class="usage-figures">${usageGauge(c.usage)}</p>
    ${usageChart(c.usage)}`
}

export const usagePanelUrl = (name: string) => `/admin/connections/${seg(name)}/usage-panel`

export function connectionDetail(c: ConnectionView): Html {
  const path = `/admin/api/connections/${seg(c.name)}`
  const secrets = (Object.entries(c.secrets) as [SecretField, boolean][])
    .filter(([, set]) => set)
    .map(([f]) => f)
  return html`<div class="grid2">
      <section class="card">
        <dl class="facts">
          <dt>Auth flow</dt>
          <dd>${FLOW_LABEL[c.authFlow]}</dd>
          <dt>Login URL</dt>
          <dd>${c.loginUrl}</dd>
          <dt>API version</dt>
          <dd>${c.apiVersion}</dd>
          <dt>Username</dt>
          <dd>${c.username ?? '—'}</dd>
          <dt>Client id</dt>
          <dd>${c.clientId ?? '—'}</dd>
          <dt>Secrets stored</dt>
          <dd>${secrets.join(', ') || 'none'}</dd>
          <dt>Active</dt>
          <dd>${c.active ? 'yes' : 'no'}</dd>
          <dt>Updated</dt>
          <dd>${c.updatedAt}</dd>
        </dl>
        <div class="actions">
          <a class="button secondary" href="/admin/connections/${seg(c.name)}/edit">Edit</a>
          ${deleteButton(
            path,
            `Delete connection '${c.name}'? Its token is revoked.`,
            '/admin/connections',
          )}
        </div>
      </section>
      <section class="card actions-block">
        <h2>Ping</h2>
        <div class="actions">
          <button
            type="button"
            data-action="${path}/ping"
            data-render="ping"
            data-result="#ping-result"
            data-refresh="#usage-panel"
          >
            Ping
          </button>
        </div>
        <div id="ping-result" class="result" hidden></div>
      </section>
    </div>
    <section class="card" id="usage-panel" data-src="${usagePanelUrl(c.name)}">
      ${usagePanel(c)}
    </section>`
}

function secretInput(
  name: SecretField,
  label: string,
  flows: string,
  editing: boolean,
  set: boolean,
  file = false,
): Html {
  // Never prefilled: a stored secret is shown only as "stored", and blank keeps it.
  const hint = editing && set ? 'stored; leave blank to keep it' : editing ? 'not set' : undefined
  const control = file
    ? html`<input type="file" name="${name}" accept=".pem,.key,text/plain" />`
    : html`<input type="password" name="${name}" autocomplete="new-password" value="" />`
  return shownWhen(
    `authFlow:${flows}`,
    html`${field(label, control, hint)}
    ${editing && set ? html`<label class="check"><input type="checkbox" name="clearSecrets" value="${name}" data-list /> clear the stored ${label.toLowerCase()}</label>` : ''}`,
  )
}

export function connectionForm(existing: ConnectionInfo | undefined): Html {
  const editing = existing !== undefined
  const set = (f: SecretField) => existing?.secrets[f] ?? false
  return apiForm(
    {
      action: editing ? `/admin/api/connections/${seg(existing.name)}` : '/admin/api/connections',
      method: editing ? 'PATCH' : 'POST',
      redirect: '/admin/connections/',
      redirectField: 'name',
      submit: editing ? 'Save' : 'Create',
      extra: html`<a
        href="${editing ? `/admin/connections/${seg(existing.name)}` : '/admin/connections'}"
        >Cancel</a
      >`,
    },
    html`${field('Name', html`<input name="name" required maxlength="120" value="${existing?.name ?? ''}" />`)}
      ${field(
        'Auth flow',
        html`<select name="authFlow">
          ${options(Object.entries(FLOW_LABEL), existing?.authFlow ?? 'password')}
        </select>`,
      )}
      ${field(
        'Login URL',
        html`<input
          name="loginUrl"
          type="url"
          required
          value="${existing?.loginUrl ?? 'https://login.salesforce.com'}"
        />`,
        'https://login.salesforce.com, https://test.salesforce.com or your My Domain',
      )}
      ${field('API version', html`<input name="apiVersion" pattern="\\d{2,3}\\.0" value="${existing?.apiVersion ?? '66.0'}" />`)}
      ${field('Client id (consumer key)', html`<input name="clientId" value="${existing?.clientId ?? ''}" />`)}
      ${shownWhen(
        'authFlow:password|jwt_bearer',
        field('Username', html`<input name="username" value="${existing?.username ?? ''}" />`),
      )}
      ${secretInput('password', 'Password', 'password', editing, set('password'))}
      ${secretInput('securityToken', 'Security token', 'password', editing, set('securityToken'))}
      ${secretInput('clientSecret', 'Client secret', 'password|client_credentials|refresh_token', editing, set('clientSecret'))}
      ${secretInput('privateKey', 'Private key (PEM file)', 'jwt_bearer', editing, set('privateKey'), true)}
      ${secretInput('refreshToken', 'Refresh token', 'refresh_token', editing, set('refreshToken'))}
      <label class="check"
        ><input type="checkbox" name="active" ${existing?.active === false ? '' : html`checked`} />
        Active</label
      >`,
  )
}
