// The dashboard's audit log page: who changed what, newest first, a hundred entries a page.
import type { AuditEntry } from '../../store/index.js'
import { dataTable, html, type Html } from '../html/index.js'

export function auditPage(entries: AuditEntry[]): Html {
  const last = entries.at(-1)
  return html`${dataTable(
    entries,
    [
      { label: 'When (UTC)', cell: (e) => e.at.replace('T', ' ').slice(0, 19) },
      { label: 'Who', cell: (e) => e.actor },
      { label: 'What', cell: (e) => e.action },
      { label: 'Target', cell: (e) => e.target },
      {
        label: 'Details',
        cell: (e) => (e.detail ? html`<code>${JSON.stringify(e.detail)}</code>` : ''),
      },
    ],
    'Nothing recorded yet.',
  )}
  ${entries.length >= 100 && last ? html`<p><a href="/admin/audit?before=${last.id}">Older entries</a></p>` : ''}`
}
