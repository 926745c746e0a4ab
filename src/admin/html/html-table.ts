// The dashboard's one table shape: scrollable, with `data-label`s so each row stacks into a card
// on a phone-width screen (src/admin/assets/admin.css), or a muted line when there is nothing to
// show.
import { html, type Html, type Value } from './html.js'

export interface Column<T> {
  /** The header, and the label shown before the cell on a narrow screen. */
  label: string
  cell: (row: T) => Value
}

/**
 * A table of `rows`. With `actions`, a last, unlabelled cell holds the row's buttons and the
 * `.result` the script writes an answer or refusal into.
 * @example dataTable(jobs, [{ label: 'Service', cell: (j) => j.service }], 'No jobs match.')
 */
export function dataTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  empty: string,
  actions?: (row: T) => Value,
): Html {
  if (!rows.length) return html`<p class="muted">${empty}</p>`
  return html`<div class="scroll">
    <table class="responsive">
      <thead>
        <tr>
          ${columns.map((c) => html`<th>${c.label}</th>`)}${actions ? html`<th></th>` : ''}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) =>
            html`<tr>
              ${columns.map((c) => html`<td data-label="${c.label}">${c.cell(row)}</td>`)}
              ${
                actions
                  ? html`<td class="actions">
                      ${actions(row)}<span class="result" hidden></span>
                    </td>`
                  : ''
              }
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`
}

export interface ActionButtonOptions {
  /** The admin API URL the button calls. */
  action: string
  /** Default POST. */
  method?: 'POST' | 'PATCH' | 'DELETE'
  /** The JSON body sent; default `{}`. */
  body?: unknown
  /** Asked with window.confirm first. */
  confirm?: string
  /** After success: reload, go to `redirect`, or render the answer (into `result`, a selector). */
  then?: 'reload'
  redirect?: string
  render?: string
  result?: string
  className?: 'secondary' | 'danger'
}

/** A button whose click is one admin API request (src/admin/assets/admin.js). */
export function actionButton(label: string, o: ActionButtonOptions): Html {
  return html`<button
    type="button"
    ${o.className ? html`class="${o.className}"` : ''}
    data-action="${o.action}"
    ${o.method ? html`data-method="${o.method}"` : ''}
    ${o.body !== undefined ? html`data-body="${JSON.stringify(o.body)}"` : ''}
    ${o.confirm ? html`data-confirm="${o.confirm}"` : ''}
    ${o.then ? html`data-then="${o.then}"` : ''}
    ${o.redirect !== undefined ? html`data-redirect="${o.redirect}"` : ''}
    ${o.render ? html`data-render="${o.render}"` : ''}
    ${o.result ? html`data-result="${o.result}"` : ''}
  >
    ${label}
  </button>`
}

/** A button that deletes `action` after a confirmation, then reloads (or goes to `redirect`). */
export function deleteButton(action: string, confirm: string, redirect?: string): Html {
  return actionButton('Delete', {
    action,
    method: 'DELETE',
    confirm,
    className: 'danger',
    ...(redirect === undefined ? { then: 'reload' } : { redirect }),
  })
}
