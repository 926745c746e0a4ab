// The dashboard's Nodes page: one row per registered node, gone ones marked.
import { dataTable, html, type Html } from '../html/index.js'
import type { NodeList } from './node-actions.js'

function age(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s ago` : `${Math.round(ms / 1000)} s ago`
}

export function nodeList(list: NodeList): Html {
  return html`<p>
      A node whose last heartbeat is over ${Math.round(list.timeoutMs / 1000)} s old is shown as
      gone.
    </p>
    ${dataTable(
      list.nodes,
      [
        { label: 'Node', cell: (n) => html`<code>${n.id.slice(0, 8)}</code>` },
        { label: 'Address', cell: (n) => `${n.host}:${n.port}` },
        { label: 'Version', cell: (n) => n.version },
        { label: 'Started (UTC)', cell: (n) => n.startedAt.replace('T', ' ').slice(0, 19) },
        { label: 'Last heartbeat', cell: (n) => age(n.heartbeatAgeMs) },
        { label: 'State', cell: (n) => (n.alive ? 'alive' : 'gone') },
        { label: 'Services', cell: (n) => n.services.join(', ') },
      ],
      'No node registered.',
    )}`
}
