// The dashboard's form pieces: a form the script (src/admin/assets/admin.js) sends to the admin
// API as JSON, labelled fields with hints, selects, write-only secret inputs, and blocks shown
// for one choice.
import { html, type Html, type Value } from './html.js'

export interface ApiFormOptions {
  /** The admin API URL the form is sent to. */
  action: string
  /** Default POST. */
  method?: 'POST' | 'PATCH'
  /** After success: reload the page, go to `redirect` (+ the answer's `redirectField`), or render. */
  then?: 'reload'
  redirect?: string
  redirectField?: string
  /** How the script shows the answer in the form's `.result` (`key`, `invoke`, ...). */
  render?: string
  /**
   * How the script builds the body: default one member per field; `settings` a
   * `{ set, unset }` of the changed setting inputs (service-settings-form.ts).
   */
  encode?: 'settings'
  submit: string
  /** More controls beside the submit button (a Cancel link). */
  extra?: Value
  /** Default `stack card`; `stack` inside a card already. */
  className?: string
}

/** A `form.stack.card` whose submit is a request to the admin API, never a browser post. */
export function apiForm(o: ApiFormOptions, fields: Value): Html {
  return html`<form
    class="${o.className ?? 'stack card'}"
    data-action="${o.action}"
    data-method="${o.method ?? 'POST'}"
    ${o.then ? html`data-then="${o.then}"` : ''}
    ${o.redirect !== undefined ? html`data-redirect="${o.redirect}"` : ''}
    ${o.redirectField ? html`data-redirect-field="${o.redirectField}"` : ''}
    ${o.render ? html`data-render="${o.render}"` : ''}
    ${o.encode ? html`data-encode="${o.encode}"` : ''}
  >
    ${fields}
    <div class="actions"><button type="submit">${o.submit}</button>${o.extra ?? ''}</div>
    <div class="result" hidden></div>
  </form>`
}

/** A label around `control`, with an optional hint after the label text. */
export function field(label: string, control: Value, hint?: string): Html {
  return html`<label
    >${label} ${hint ? html`<span class="hint">${hint}</span>` : ''}${control}</label
  >`
}

/** `<option>`s of [value, label] pairs, `selected` marked. */
export function options(
  choices: readonly (readonly [string, string])[],
  selected: string | null | undefined,
): Html {
  return html`${choices.map(
    ([value, label]) =>
      html`<option value="${value}" ${value === selected ? html`selected` : ''}>${label}</option>`,
  )}`
}

/**
 * A block shown only while the form's other fields hold the given values, e.g.
 * `shownWhen('kind:jwt algorithm:HS256', …)`; its inputs are disabled while hidden, so they are
 * not sent (src/admin/assets/admin.js, syncShown). An empty condition shows the block always.
 */
export function shownWhen(condition: string, body: Value): Html {
  if (!condition) return html`${body}`
  return html`<div data-show="${condition}">${body}</div>`
}

export interface SecretInputOptions {
  /** On an edit form: the hint says whether one is stored and that blank keeps it. */
  editing: boolean
  stored: boolean
  /** A PEM textarea instead of a one-line password input. */
  multiline?: boolean
  minlength?: number
}

/** A write-only secret: never prefilled; blank on an edit keeps the stored one. */
export function secretInput(name: string, label: string, o: SecretInputOptions): Html {
  const hint = o.editing ? (o.stored ? 'stored; leave blank to keep it' : 'not set') : undefined
  const control = o.multiline
    ? html`<textarea name="${name}" spellcheck="false" autocomplete="off"></textarea>`
    : html`<input
        type="password"
        name="${name}"
        autocomplete="new-password"
        value=""
        ${o.minlength ? html`minlength="${o.minlength}"` : ''}
      />`
  return field(label, control, hint)
}
