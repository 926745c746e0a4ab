// The settings form on a service's page: one input per declared field, sent as
// `PATCH /admin/api/services/:name/settings { set, unset }` (src/admin/assets/admin.js, settingsBody).
// Only changed inputs are sent; a secret is write-only (blank keeps it, "clear" unsets it).
import { apiForm, field, html, pretty, seg, type Html } from '../html/index.js'
import type { AdminSettingView, ServiceSettingsView } from './service-settings-actions.js'

/** The text an input starts with: a string as it is, anything else as JSON. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : pretty(value).replace(/\n\s*/g, ' ')
}

function hintOf(s: AdminSettingView): string {
  const parts: string[] = []
  if (s.description) parts.push(s.description)
  if (s.secret) parts.push(s.set ? 'secret, stored; leave blank to keep it' : 'secret, not set')
  else if (!s.set) parts.push('not set')
  if (s.input === 'json') parts.push('JSON (a number, true, ["a"])')
  if (!s.secret && s.set) parts.push('blank removes it')
  return parts.join(' · ')
}

function settingControl(s: AdminSettingView): Html {
  if (!s.declared) {
    return html`<div class="setting">
      <span class="hint"><code>${s.key}</code> is stored but not in the service's schema</span>
      <label class="check"><input type="checkbox" name="${s.key}" data-unset /> remove it</label>
    </div>`
  }
  const placeholder = s.default !== undefined ? `default: ${textOf(s.default)}` : ''
  if (s.secret) {
    return html`<div class="setting">
      ${field(
        s.key,
        html`<input
          type="password"
          name="${s.key}"
          data-setting="${s.input}"
          autocomplete="new-password"
          value=""
        />`,
        hintOf(s),
      )}
      ${
        s.set
          ? html`<label class="check"
              ><input type="checkbox" name="${s.key}" data-unset /> clear ${s.key}</label
            >`
          : ''
      }
    </div>`
  }
  const initial = s.set ? textOf(s.value) : ''
  return html`<div class="setting">
    ${field(
      s.key,
      html`<input
        type="text"
        name="${s.key}"
        data-setting="${s.input}"
        data-initial="${initial}"
        value="${initial}"
        placeholder="${placeholder}"
        spellcheck="false"
      />`,
      hintOf(s),
    )}
  </div>`
}

export function settingsForm(service: string, view: ServiceSettingsView): Html {
  if (view.settings.length === 0) {
    return html`<p class="muted">This service declares no settings.</p>`
  }
  return apiForm(
    {
      action: `/admin/api/services/${seg(service)}/settings`,
      method: 'PATCH',
      then: 'reload',
      submit: 'Save settings',
      encode: 'settings',
      className: 'stack settings',
    },
    view.settings.map(settingControl),
  )
}
