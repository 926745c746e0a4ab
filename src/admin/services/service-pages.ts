// Dashboard pages for services: the list with the service files and their load state, and one
// service with its description, schemas, settings form and a form to invoke it with JSON input.
import { apiForm, dataTable, field, html, pretty, seg, type Html } from '../html/index.js'
import type { ServiceFileView, ServiceView } from './service-actions.js'
import { settingsForm } from './service-settings-form.js'
import type { ServiceSettingsView } from './service-settings-actions.js'

const serviceLink = (name: string) => html`<a href="/admin/services/${seg(name)}">${name}</a>`

function fileState(f: ServiceFileView): Html {
  if (f.state === 'loaded') return html`<span class="badge on">loaded</span>`
  return html`<span class="badge off">failed</span>
    ${f.state === 'stale' ? html`<span class="hint">previous version still serving</span>` : ''}
    <pre class="load-error">${f.error}</pre>`
}

/** The service files: what each one serves, and why its latest version failed to load. */
export function serviceFileList(files: ServiceFileView[]): Html {
  return dataTable(
    files,
    [
      { label: 'File', cell: (f) => html`<code>${f.file}</code>` },
      { label: 'State', cell: fileState },
      {
        label: 'Services',
        cell: (f) =>
          f.services.length
            ? html`${f.services.map((n, i) => html`${i ? ', ' : ''}${serviceLink(n)}`)}`
            : html`<span class="muted">none</span>`,
      },
      {
        label: 'Loaded',
        cell: (f) =>
          html`${f.loadedAt ?? 'never'}${
            f.failedAt ? html`<br /><span class="hint">failed ${f.failedAt}</span>` : ''
          }`,
      },
    ],
    'No service files are watched.',
  )
}

export function serviceList(list: ServiceView[], files: ServiceFileView[]): Html {
  return html`${dataTable(
      list,
      [
        { label: 'Service', cell: (s) => serviceLink(s.name) },
        { label: 'Description', cell: (s) => s.description ?? '' },
        {
          label: 'Source file',
          cell: (s) => html`<code>${s.source ?? '(registered in code)'}</code>`,
        },
        { label: 'Settings', cell: (s) => (s.hasSettings ? 'yes' : '') },
        {
          label: 'Timeout',
          cell: (s) => (s.timeoutMs === null ? 'default' : `${s.timeoutMs} ms`),
        },
      ],
      'No services are loaded.',
    )}
    <h2>Files</h2>
    ${serviceFileList(files)}`
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

export function serviceDetail(s: ServiceView, settings: ServiceSettingsView): Html {
  return html`<section class="card">
      <dl class="facts">
        <dt>Description</dt>
        <dd>${s.description ?? html`<span class="muted">none</span>`}</dd>
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
    <section class="card" id="settings">
      <h2>Settings</h2>
      ${settingsForm(s.name, settings)}
    </section>
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
