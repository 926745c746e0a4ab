// Dashboard pages for security definitions: the list, a create form whose fields follow the kind
// (API key, HTTP Basic, JWT), and an edit form for one definition, with Rotate for an API key.
// Secrets are write-only: never prefilled, blank on an edit keeps the stored one.
import {
  JWT_ALGORITHMS,
  type SecurityDefinitionInfo,
  type SecurityKind,
} from '../../store/index.js'
import {
  actionButton,
  apiForm,
  dataTable,
  deleteButton,
  field,
  html,
  options,
  secretInput,
  seg,
  shownWhen,
  type Html,
} from '../html/index.js'

export const KIND_LABEL: Record<SecurityKind, string> = {
  api_key: 'API key',
  basic: 'HTTP Basic',
  jwt: 'JWT bearer',
}

/** The non-secret settings of a definition, for the list. */
function summary(d: SecurityDefinitionInfo): string {
  switch (d.kind) {
    case 'api_key':
      return 'X-API-Key or Authorization: Bearer'
    case 'basic':
      return `user ${d.username}`
    case 'jwt':
      return [
        d.algorithm,
        d.algorithm === 'RS256' ? (d.jwksUrl ? `JWKS ${d.jwksUrl}` : 'public key') : '',
        d.issuer ? `iss ${d.issuer}` : '',
        d.audience ? `aud ${d.audience}` : '',
      ]
        .filter(Boolean)
        .join(' · ')
  }
}

export function securityTable(defs: SecurityDefinitionInfo[]): Html {
  return dataTable(
    defs,
    [
      { label: 'Name', cell: (d) => d.name },
      { label: 'Kind', cell: (d) => KIND_LABEL[d.kind] },
      { label: 'Settings', cell: (d) => summary(d) },
      { label: 'Updated', cell: (d) => d.updatedAt.replace('T', ' ').slice(0, 19) },
    ],
    'No security definitions yet.',
    (d) =>
      html`<a href="/admin/security-definitions/${seg(d.id)}/edit">Edit</a> ${deleteButton(
          `/admin/api/security-definitions/${seg(d.id)}`,
          `Delete security definition '${d.name}'?`,
        )}`,
  )
}

const SECRET_HINT_KEY = 'at least 16 characters; leave blank to generate one. It is shown once.'

function jwtFields(d: Extract<SecurityDefinitionInfo, { kind: 'jwt' }> | undefined, when: string) {
  const editing = d !== undefined
  const and = (c: string) => [when, c].filter(Boolean).join(' ')
  return html`${shownWhen(
    when,
    field(
      'Algorithm',
      html`<select name="algorithm">
        ${options(
          JWT_ALGORITHMS.map((a) => [a, a] as const),
          d?.algorithm ?? 'HS256',
        )}
      </select>`,
      'HS256: a shared secret; RS256: a public key or a JWKS URL',
    ),
  )}
  ${shownWhen(
    and('algorithm:HS256'),
    secretInput('secret', 'Shared secret', {
      editing,
      stored: d?.hasSecret ?? false,
      minlength: 32,
    }),
  )}
  ${shownWhen(
    and('algorithm:RS256'),
    html`${field(
      'Public key (PEM)',
      html`<textarea name="publicKey" spellcheck="false">${d?.publicKey ?? ''}</textarea>`,
      '"PUBLIC KEY" or "CERTIFICATE"; or give a JWKS URL instead',
    )}
    ${field(
      'JWKS URL',
      html`<input name="jwksUrl" type="url" value="${d?.jwksUrl ?? ''}" />`,
      'where the signing keys are published',
    )}`,
  )}
  ${shownWhen(
    when,
    html`${field('Issuer', html`<input name="issuer" value="${d?.issuer ?? ''}" />`, 'optional: the token’s iss must equal it')}
    ${field('Audience', html`<input name="audience" value="${d?.audience ?? ''}" />`, 'optional: the token’s aud must contain it')}`,
  )}`
}

const nameField = (value: string) =>
  field('Name', html`<input name="name" required maxlength="100" value="${value}" />`)

/** The create form: every kind's fields, shown for the chosen kind only. */
export function securityForm(): Html {
  return apiForm(
    { action: '/admin/api/security-definitions', render: 'key', submit: 'Create definition' },
    html`${nameField('')}
    ${field(
      'Kind',
      html`<select name="kind">
        ${options(Object.entries(KIND_LABEL), 'api_key')}
      </select>`,
    )}
    ${shownWhen(
      'kind:api_key',
      field(
        'Key',
        html`<input name="key" type="password" autocomplete="new-password" minlength="16" />`,
        SECRET_HINT_KEY,
      ),
    )}
    ${shownWhen(
      'kind:basic',
      html`${field('Username', html`<input name="username" autocomplete="off" />`, 'no colon')}
      ${secretInput('password', 'Password', { editing: false, stored: false })}`,
    )}
    ${jwtFields(undefined, 'kind:jwt')}`,
  )
}

/** The edit form of one definition (its kind is fixed) and, for an API key, Rotate. */
export function securityEdit(d: SecurityDefinitionInfo): Html {
  const action = `/admin/api/security-definitions/${seg(d.id)}`
  const kindFields =
    d.kind === 'api_key'
      ? field(
          'New key',
          html`<input name="key" type="password" autocomplete="new-password" minlength="16" />`,
          'leave blank to keep the current key',
        )
      : d.kind === 'basic'
        ? html`${field('Username', html`<input name="username" value="${d.username}" />`)}
          ${secretInput('password', 'Password', { editing: true, stored: true })}`
        : jwtFields(d, '')
  return html`<p class="muted">${KIND_LABEL[d.kind]} · created ${d.createdAt}</p>
    ${apiForm(
      {
        action,
        method: 'PATCH',
        render: 'key',
        submit: 'Save',
        extra: html`<a href="/admin/channels">Back</a>`,
      },
      html`${nameField(d.name)}${kindFields}`,
    )}
    ${
      d.kind === 'api_key'
        ? html`<section class="card">
            <h2>Rotate</h2>
            <p class="muted">
              A new random key replaces the current one at once; callers using the old key are
              refused.
            </p>
            <div class="actions">
              ${actionButton('Rotate key', {
                action,
                method: 'PATCH',
                body: { rotate: true },
                render: 'key',
                result: '#rotate-result',
                confirm: `Replace the key of '${d.name}' with a new one?`,
                className: 'secondary',
              })}
            </div>
            <div id="rotate-result" class="result" hidden></div>
          </section>`
        : ''
    }`
}
