// Dashboard pages for services (source file, schemas, an invoke form) and for channels and
// security definitions (create, edit, delete).
import type { SecurityDefinitionInfo } from '../store/index.js'
import type { ChannelView } from './channel-actions.js'
import { html, pretty, seg, type Html } from './html.js'
import type { ServiceView } from './service-actions.js'

export function serviceList(list: ServiceView[]): Html {
  if (!list.length) return html`<p class="muted">No services are loaded.</p>`
  return html`<div class="scroll">
    <table class="responsive">
      <thead>
        <tr>
          <th>Service</th>
          <th>Source file</th>
          <th>Timeout</th>
        </tr>
      </thead>
      <tbody>
        ${list.map(
          (s) =>
            html`<tr>
              <td data-label="Service"><a href="/admin/services/${seg(s.name)}">${s.name}</a></td>
              <td data-label="Source"><code>${s.source ?? '(registered in code)'}</code></td>
              <td data-label="Timeout">
                ${s.timeoutMs === null ? 'default' : `${s.timeoutMs} ms`}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`
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
      <form
        class="stack"
        data-action="/admin/api/services/${seg(s.name)}/invoke"
        data-render="invoke"
      >
        <label
          >Input (JSON)
          <textarea name="input" data-json spellcheck="false">
${sampleInput(s.inputSchema)}</textarea>
        </label>
        <div class="actions"><button type="submit">Invoke</button></div>
        <div class="result" hidden></div>
      </form>
    </section>`
}

function securityOptions(defs: SecurityDefinitionInfo[], selected: string | null): Html {
  return html`<option value="">none (open to anyone)</option>
    ${defs.map((d) => html`<option value="${d.id}" ${d.id === selected ? html`selected` : ''}>${d.name}</option>`)}`
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

export function channelForm(
  defs: SecurityDefinitionInfo[],
  services: string[],
  existing?: ChannelView,
): Html {
  const action = existing ? `/admin/api/channels/${seg(existing.id)}` : '/admin/api/channels'
  return html`<form
    class="stack card"
    data-action="${action}"
    data-method="${existing ? 'PATCH' : 'POST'}"
    ${existing ? html`data-redirect="/admin/channels"` : html`data-then="reload"`}
  >
    <label
      >Method
      <select name="method">
        ${METHODS.map(
          (m) =>
            html`<option ${m === (existing?.method ?? 'POST') ? html`selected` : ''}>${m}</option>`,
        )}
      </select></label
    >
    <label
      >Path <span class="hint">e.g. /api/campaigns/:id</span
      ><input name="path" required value="${existing?.path ?? ''}"
    /></label>
    <label
      >Service <input name="service" required list="services" value="${existing?.service ?? ''}"
    /></label>
    <datalist id="services">${services.map((s) => html`<option value="${s}"></option>`)}</datalist>
    <label
      >Security definition
      <select name="securityDefinitionId">
        ${securityOptions(defs, existing?.securityDefinitionId ?? null)}
      </select></label
    >
    <div class="actions">
      <button type="submit">${existing ? 'Save' : 'Create channel'}</button>
    </div>
    <div class="result" hidden></div>
  </form>`
}

export function channelPage(
  channels: ChannelView[],
  defs: SecurityDefinitionInfo[],
  services: string[],
): Html {
  return html`<h2>Channels</h2>
    ${
      channels.length
        ? html`<div class="scroll">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Method</th>
                  <th>Path</th>
                  <th>Service</th>
                  <th>Security</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${channels.map(
                  (c) =>
                    html`<tr>
                      <td data-label="Method">${c.method}</td>
                      <td data-label="Path"><code>${c.path}</code></td>
                      <td data-label="Service">${c.service}</td>
                      <td data-label="Security">${c.securityDefinitionName ?? 'open'}</td>
                      <td class="actions">
                        <a href="/admin/channels/${seg(c.id)}/edit">Edit</a>
                        <button
                          type="button"
                          class="danger"
                          data-action="/admin/api/channels/${seg(c.id)}"
                          data-method="DELETE"
                          data-confirm="${`Delete channel ${c.method} ${c.path}?`}"
                          data-then="reload"
                        >
                          Delete
                        </button>
                        <span class="result" hidden></span>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<p class="muted">No channels yet.</p>`
    }
    <h2>New channel</h2>
    ${channelForm(defs, services)}
    <h2>Security definitions</h2>
    ${
      defs.length
        ? html`<div class="scroll">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Kind</th>
                  <th>Created</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${defs.map(
                  (d) =>
                    html`<tr>
                      <td data-label="Name">${d.name}</td>
                      <td data-label="Kind">API key</td>
                      <td data-label="Created">${d.createdAt}</td>
                      <td class="actions">
                        <button
                          type="button"
                          class="danger"
                          data-action="/admin/api/security-definitions/${seg(d.id)}"
                          data-method="DELETE"
                          data-confirm="${`Delete security definition '${d.name}'?`}"
                          data-then="reload"
                        >
                          Delete
                        </button>
                        <span class="result" hidden></span>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<p class="muted">No security definitions yet.</p>`
    }
    <h2>New API key</h2>
    <form class="stack card" data-action="/admin/api/security-definitions" data-render="key">
      <label>Name <input name="name" required maxlength="120" /></label>
      <label
        >Key <span class="hint">leave blank to generate one; it is shown once</span>
        <input name="key" type="password" autocomplete="new-password" minlength="16"
      /></label>
      <div class="actions"><button type="submit">Create API key</button></div>
      <div class="result" hidden></div>
    </form>`
}
