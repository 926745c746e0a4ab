// Dashboard pages for connections: the list with API usage, one connection with Ping and its
// usage chart, and the create/edit form. Secret inputs are never prefilled.
import type { AuthFlow, ConnectionInfo, SecretField } from '../store/index.js'
import type { ConnectionView } from './connection-actions.js'
import { html, seg, type Html } from './html.js'
import { usageChart, usageGauge } from './usage-chart.js'

const FLOW_LABEL: Record<AuthFlow, string> = {
  password: 'Username + password (+ security token)',
  client_credentials: 'Client credentials',
  jwt_bearer: 'JWT bearer (private key)',
  refresh_token: 'Refresh token',
}

export function connectionList(list: ConnectionView[]): Html {
  const rows = list.map(
    (c) =>
      html`<tr>
        <td data-label="Name"><a href="/admin/connections/${seg(c.name)}">${c.name}</a></td>
        <td data-label="Flow">${FLOW_LABEL[c.authFlow]}</td>
        <td data-label="Login URL">${c.loginUrl}</td>
        <td data-label="Active">
          <span class="badge ${c.active ? 'on' : 'off'}">${c.active ? 'active' : 'inactive'}</span>
        </td>
        <td data-label="API usage">${usageGauge(c.usage)}</td>
      </tr>`,
  )
  return html`<div class="actions">
      <a class="button" href="/admin/connections/new">New connection</a>
    </div>
    ${
      list.length
        ? html`<div class="scroll">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Flow</th>
                  <th>Login URL</th>
                  <th>Active</th>
                  <th>API usage</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>
          </div>`
        : html`<p class="muted">No connections yet.</p>`
    }`
}

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
          <button
            type="button"
            class="danger"
            data-action="${path}"
            data-method="DELETE"
            data-confirm="${`Delete connection '${c.name}'? Its token is revoked.`}"
            data-redirect="/admin/connections"
          >
            Delete
          </button>
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
          >
            Ping
          </button>
        </div>
        <div id="ping-result" class="result" hidden></div>
      </section>
    </div>
    <section class="card">
      <h2>API usage</h2>
      <p>${usageGauge(c.usage)}</p>
      ${usageChart(c.usage)}
    </section>`
}

function secretInput(
  name: SecretField,
  label: string,
  flows: string,
  editing: boolean,
  set: boolean,
  multiline = false,
): Html {
  // Never prefilled: a stored secret is shown only as "stored", and blank keeps it.
  const hint = editing && set ? 'stored; leave blank to keep it' : editing ? 'not set' : ''
  const field = multiline
    ? html`<input type="file" name="${name}" accept=".pem,.key,text/plain" />`
    : html`<input type="password" name="${name}" autocomplete="new-password" value="" />`
  return html`<div data-flows="${flows}">
    <label>${label} <span class="hint">${hint}</span>${field}</label>
    ${editing && set ? html`<label class="check"><input type="checkbox" name="clearSecrets" value="${name}" data-list /> clear the stored ${label.toLowerCase()}</label>` : ''}
  </div>`
}

export function connectionForm(existing: ConnectionInfo | undefined): Html {
  const editing = existing !== undefined
  const action = editing ? `/admin/api/connections/${seg(existing.name)}` : '/admin/api/connections'
  const flow = existing?.authFlow ?? 'password'
  const set = (f: SecretField) => existing?.secrets[f] ?? false
  return html`<form
    class="stack card"
    data-action="${action}"
    data-method="${editing ? 'PATCH' : 'POST'}"
    data-redirect="/admin/connections/"
    data-redirect-field="name"
  >
    <label
      >Name <input name="name" required maxlength="120" value="${existing?.name ?? ''}"
    /></label>
    <label
      >Auth flow
      <select name="authFlow">
        ${(Object.keys(FLOW_LABEL) as AuthFlow[]).map(
          (f) =>
            html`<option value="${f}" ${f === flow ? html`selected` : ''}>
              ${FLOW_LABEL[f]}
            </option>`,
        )}
      </select></label
    >
    <label
      >Login URL
      <span class="hint"
        >https://login.salesforce.com, https://test.salesforce.com or your My Domain</span
      >
      <input
        name="loginUrl"
        type="url"
        required
        value="${existing?.loginUrl ?? 'https://login.salesforce.com'}"
    /></label>
    <label
      >API version
      <input name="apiVersion" pattern="\\d{2,3}\\.0" value="${existing?.apiVersion ?? '66.0'}"
    /></label>
    <label
      >Client id (consumer key) <input name="clientId" value="${existing?.clientId ?? ''}"
    /></label>
    <div data-flows="password jwt_bearer">
      <label>Username <input name="username" value="${existing?.username ?? ''}" /></label>
    </div>
    ${secretInput('password', 'Password', 'password', editing, set('password'))}
    ${secretInput('securityToken', 'Security token', 'password', editing, set('securityToken'))}
    ${secretInput('clientSecret', 'Client secret', 'password client_credentials refresh_token', editing, set('clientSecret'))}
    ${secretInput('privateKey', 'Private key (PEM file)', 'jwt_bearer', editing, set('privateKey'), true)}
    ${secretInput('refreshToken', 'Refresh token', 'refresh_token', editing, set('refreshToken'))}
    <label class="check"
      ><input type="checkbox" name="active" ${existing?.active === false ? '' : html`checked`} />
      Active</label
    >
    <div class="actions">
      <button type="submit">${editing ? 'Save' : 'Create'}</button>
      <a href="${editing ? `/admin/connections/${seg(existing.name)}` : '/admin/connections'}"
        >Cancel</a
      >
    </div>
    <div class="result" hidden></div>
  </form>`
}
