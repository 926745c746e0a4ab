// Dashboard pages for services: the list with source files, and one service with its schemas
// and a form to invoke it with JSON input.
import { html, pretty, seg, type Html } from './html.js'
import { apiForm, field } from './html-form.js'
import { dataTable } from './html-table.js'
import type { ServiceView } from './service-actions.js'

export function serviceList(list: ServiceView[]): Html {
  return dataTable(
    list,
    [
      {
        label: 'Service',
        cell: (s) => html`<a href="/admin/services/${seg(s.name)}">${s.name}</a>`,
      },
      {
        label: 'Source file',
        cell: (s) => html`<code>${s.source ?? '(registered in code)'}</code>`,
      },
      { label: 'Timeout', cell: (s) => (s.timeoutMs === null ? 'default' : `${s.timeoutMs} ms`) },
    ],
    'No services are loaded.',
  )
}

/** A sample input from the schema's properties, to start the invoke form with. */
function sampleInput(schema: unknown): string {
  const props = (schema as { properties?: Record<string, { type?: unknown }> } | null)?.properties
  if (!props) return '{}'
  const sample: Record<string, unknown> = {}
  for (const [k, p] of Object.entries(props)) {
    sample[k] = p.type === 'number' || p.type === 'integer' ? 0 : p.type === 'boolean' ? false : ''
  }
  return pretty(sample)
}

export function serviceDetail(s: ServiceView): Html {
  return html`<section class="card">
      <dl class="facts">
        <dt>Source file</dt>
        <dd><code>${s.source ?? '(registered in code)'}</code></dd>
        <dt>Timeout</dt>
        <dd>${s.timeoutMs === null ? 'default (30,000 ms)' : `${s.timeoutMs} ms`}</dd>
      </dl>
    </section>
    <div class="grid2">
      <section class="card">
        <h2>Input schema</h2>
        <pre>${pretty(s.inputSchema)}</pre>
      </section>
      <section class="card">
        <h2>Output schema</h2>
        <pre>${s.outputSchema === null ? 'not declared' : pretty(s.outputSchema)}</pre>
      </section>
    </div>
    <section class="card">
      <h2>Invoke</h2>
      ${apiForm(
        {
          action: `/admin/api/services/${seg(s.name)}/invoke`,
          render: 'invoke',
          submit: 'Invoke',
          className: 'stack',
        },
        field(
          'Input (JSON)',
          html`<textarea name="input" data-json spellcheck="false">
${sampleInput(s.inputSchema)}</textarea>`,
        ),
      )}
    </section>`
}
