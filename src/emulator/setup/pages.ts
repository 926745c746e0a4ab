// The HTML of each Setup page: login, Setup home with Quick Find, App Manager, the new
// connected app form, the app's detail and consumer details, and OAuth and OpenID Connect
// Settings. Every dynamic value is escaped with `esc`.

import { esc, page, type LayoutUser } from './html.js'
import { OAUTH_SCOPES } from './oauth-scopes.js'

export const PATHS = {
  login: '/login',
  logout: '/secur/logout.jsp',
  home: '/lightning/setup/SetupOneHome/home',
  appManager: '/lightning/setup/NavigationMenus/home',
  newApp: '/app/mgmt/forceconnectedapps/forceAppEdit.apexp',
  appDetail: '/app/mgmt/forceconnectedapps/forceAppDetail.apexp',
  consumerDetails: '/app/mgmt/forceconnectedapps/consumerDetails',
  oauthSettings: '/lightning/setup/OauthOidcSettings/home',
} as const

export interface AppView {
  name: string
  apiName: string
  contactEmail: string
  oauthEnabled: boolean
  callbackUrl: string
  scopes: string[]
  flows: string[]
  createdDate: string
  consumerKey: string
  consumerSecret: string
}

const csrfField = (user: LayoutUser) =>
  `<input type="hidden" name="_csrf" value="${esc(user.csrf)}">`
const appLink = (path: string, app: AppView) => `${path}?app=${encodeURIComponent(app.apiName)}`

export function loginPage(opts: {
  csrf: string
  startUrl: string
  username?: string
  error?: string
}): string {
  return page(
    'Login',
    `<h1>Log In to the emulated org</h1>
${opts.error === undefined ? '' : `<p class="error" role="alert">${esc(opts.error)}</p>`}
<form method="post" action="${PATHS.login}">
  <input type="hidden" name="_csrf" value="${esc(opts.csrf)}">
  <input type="hidden" name="startURL" value="${esc(opts.startUrl)}">
  <label for="username">Username</label>
  <input type="text" id="username" name="username" autocomplete="username" value="${esc(opts.username ?? '')}" required>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required>
  <div><button type="submit" id="Login">Log In</button></div>
</form>`,
  )
}

/** The Setup entries Quick Find can find. */
const SETUP_ITEMS = [
  { label: 'App Manager', path: PATHS.appManager, section: 'Apps' },
  { label: 'OAuth and OpenID Connect Settings', path: PATHS.oauthSettings, section: 'Identity' },
]

export function setupHomePage(user: LayoutUser, query: string): string {
  const q = query.trim().toLowerCase()
  const items = SETUP_ITEMS.map(
    (item) =>
      `<li data-label="${esc(item.label.toLowerCase())}"${q !== '' && !item.label.toLowerCase().includes(q) ? ' hidden' : ''}>` +
      `<a href="${item.path}">${esc(item.label)}</a> <span class="hint">${esc(item.section)}</span></li>`,
  ).join('\n')
  return page(
    'Setup Home',
    `<h1>Setup</h1>
<form method="get" action="${PATHS.home}" role="search">
  <label for="quickfind">Quick Find</label>
  <input type="search" id="quickfind" name="q" placeholder="Quick Find" value="${esc(query)}" autocomplete="off">
</form>
<ul class="quickfind" id="setup-items">
${items}
</ul>
<script>
  // Filters the Setup entries as the user types, like Salesforce's Quick Find.
  document.getElementById('quickfind').addEventListener('input', function (event) {
    var q = event.target.value.trim().toLowerCase();
    document.querySelectorAll('#setup-items li').forEach(function (li) {
      li.hidden = q !== '' && li.getAttribute('data-label').indexOf(q) < 0;
    });
  });
</script>`,
    user,
  )
}

export function appManagerPage(user: LayoutUser, apps: AppView[], notice?: string): string {
  const rows = apps
    .map(
      (app) => `<tr>
  <td>${esc(app.name)}</td><td>${esc(app.apiName)}</td><td>${esc(app.contactEmail)}</td>
  <td>${app.oauthEnabled ? 'Connected' : 'Connected (no OAuth)'}</td>
  <td><a class="button secondary" style="margin:0" href="${esc(appLink(PATHS.appDetail, app))}" aria-label="View ${esc(app.name)}">View</a></td>
</tr>`,
    )
    .join('\n')
  return page(
    'App Manager',
    `<h1>Lightning Experience App Manager</h1>
${notice === undefined ? '' : `<p class="notice" role="status">${esc(notice)}</p>`}
<a class="button" href="${PATHS.newApp}">New Connected App</a>
<table>
  <thead><tr><th>App Name</th><th>Developer Name</th><th>Contact Email</th><th>App Type</th><th></th></tr></thead>
  <tbody>
${rows === '' ? '<tr><td colspan="5">No connected apps yet.</td></tr>' : rows}
  </tbody>
</table>`,
    user,
  )
}

export interface NewAppValues {
  name: string
  apiName: string
  contactEmail: string
  oauthEnabled: boolean
  callbackUrl: string
  scopes: string[]
  clientCredentials: boolean
}

export const emptyApp: NewAppValues = {
  name: '',
  apiName: '',
  contactEmail: '',
  oauthEnabled: false,
  callbackUrl: '',
  scopes: [],
  clientCredentials: false,
}

export function newAppPage(user: LayoutUser, values: NewAppValues, errors: string[]): string {
  const options = OAUTH_SCOPES.map(
    (s) =>
      `<option value="${esc(s.value)}"${values.scopes.includes(s.value) ? ' selected' : ''}>${esc(s.label)}</option>`,
  ).join('\n')
  return page(
    'New Connected App',
    `<h1>New Connected App</h1>
${errors.length === 0 ? '' : `<div class="error" role="alert"><ul>${errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></div>`}
<form method="post" action="${PATHS.newApp}">
  ${csrfField(user)}
  <h2>Basic Information</h2>
  <label for="name">Connected App Name</label>
  <input type="text" id="name" name="name" value="${esc(values.name)}" required maxlength="80">
  <label for="apiName">API Name</label>
  <input type="text" id="apiName" name="apiName" value="${esc(values.apiName)}" maxlength="80">
  <p class="hint">Letters, digits and underscores; filled from the name when left empty.</p>
  <label for="contactEmail">Contact Email</label>
  <input type="email" id="contactEmail" name="contactEmail" value="${esc(values.contactEmail)}" required>
  <h2>API (Enable OAuth Settings)</h2>
  <input type="checkbox" id="oauthEnabled" name="oauthEnabled" value="1"${values.oauthEnabled ? ' checked' : ''}>
  <label class="inline" for="oauthEnabled">Enable OAuth Settings</label>
  <div id="oauth-settings"${values.oauthEnabled ? '' : ' hidden'}>
    <label for="callbackUrl">Callback URL</label>
    <input type="url" id="callbackUrl" name="callbackUrl" value="${esc(values.callbackUrl)}" placeholder="https://example.com/oauth/callback">
    <label for="scopes">Selected OAuth Scopes</label>
    <select id="scopes" name="scopes" multiple>
${options}
    </select>
    <p class="hint">Hold Ctrl (Cmd on a Mac) to choose several.</p>
    <input type="checkbox" id="clientCredentials" name="clientCredentials" value="1"${values.clientCredentials ? ' checked' : ''}>
    <label class="inline" for="clientCredentials">Enable Client Credentials Flow (runs as you)</label>
  </div>
  <div>
    <button type="submit" name="save" value="1">Save</button>
    <a class="button secondary" href="${PATHS.appManager}">Cancel</a>
  </div>
</form>
<script>
  // "Enable OAuth Settings" reveals the OAuth fields, as on Salesforce's form.
  document.getElementById('oauthEnabled').addEventListener('change', function (event) {
    document.getElementById('oauth-settings').hidden = !event.target.checked;
  });
  // The API name follows the app name until the user edits it.
  var apiName = document.getElementById('apiName');
  var touched = apiName.value !== '';
  apiName.addEventListener('input', function () { touched = true; });
  document.getElementById('name').addEventListener('input', function (event) {
    if (!touched) apiName.value = event.target.value.trim().replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  });
</script>`,
    user,
  )
}

export function appDetailPage(user: LayoutUser, app: AppView): string {
  return page(
    app.name,
    `<h1>${esc(app.name)}</h1>
<dl>
  <dt>Connected App Name</dt><dd>${esc(app.name)}</dd>
  <dt>API Name</dt><dd>${esc(app.apiName)}</dd>
  <dt>Contact Email</dt><dd>${esc(app.contactEmail)}</dd>
  <dt>Created</dt><dd>${esc(app.createdDate)}</dd>
  <dt>OAuth Settings</dt><dd>${app.oauthEnabled ? 'Enabled' : 'Not enabled'}</dd>
  <dt>Callback URL</dt><dd>${esc(app.callbackUrl)}</dd>
  <dt>Selected OAuth Scopes</dt><dd>${esc(app.scopes.join(', '))}</dd>
  <dt>OAuth Flows</dt><dd>${esc(app.flows.join(', '))}</dd>
</dl>
<a class="button" href="${esc(appLink(PATHS.consumerDetails, app))}">Manage Consumer Details</a>
<a class="button secondary" href="${PATHS.appManager}">Back to App Manager</a>`,
    user,
  )
}

export function consumerDetailsPage(user: LayoutUser, app: AppView): string {
  return page(
    `${app.name}: Consumer Details`,
    `<h1>Consumer Details: ${esc(app.name)}</h1>
<p class="hint">Keep the consumer secret private: anyone with it can request tokens for this app.</p>
<dl>
  <dt>Consumer Key</dt><dd class="secret" id="consumerKey">${esc(app.consumerKey)}</dd>
  <dt>Consumer Secret</dt><dd class="secret" id="consumerSecret">${esc(app.consumerSecret)}</dd>
</dl>
<a class="button secondary" href="${esc(appLink(PATHS.appDetail, app))}">Back to the app</a>`,
    user,
  )
}

export function oauthSettingsPage(user: LayoutUser, allowed: boolean, notice?: string): string {
  return page(
    'OAuth and OpenID Connect Settings',
    `<h1>OAuth and OpenID Connect Settings</h1>
${notice === undefined ? '' : `<p class="notice" role="status">${esc(notice)}</p>`}
<form method="post" action="${PATHS.oauthSettings}">
  ${csrfField(user)}
  <input type="checkbox" id="allowUnPw" name="allowUsernamePasswordFlows" value="1"${allowed ? ' checked' : ''}>
  <label class="inline" for="allowUnPw">Allow OAuth Username-Password Flows</label>
  <p class="hint">When off, the token endpoint answers the username-password flow with invalid_grant (authentication failure), as orgs created since Summer '23 do by default.</p>
  <div><button type="submit">Save</button></div>
</form>`,
    user,
  )
}
