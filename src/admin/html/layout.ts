// The frame of every dashboard page: charset, viewport, CSS and script, the navigation, and the
// CSRF token in a meta tag for the fetch helper.
import { html, type Html } from './html.js'

export interface PageFrame {
  title: string
  /** Signed-in user; undefined on the sign-in page. */
  user?: string
  csrfToken?: string
  /** Which navigation entry is current. */
  nav?: string
}

const NAV = [
  ['connections', 'Connections'],
  ['services', 'Services'],
  ['channels', 'Channels'],
  ['jobs', 'Jobs'],
  ['schedules', 'Schedules'],
  ['subscriptions', 'Subscriptions'],
  ['nodes', 'Nodes'],
  ['audit', 'Audit log'],
] as const

export function layout(frame: PageFrame, body: Html): string {
  const nav = frame.user
    ? html`<nav class="top">
        <a class="brand" href="/admin/connections">forcebridge</a>
        ${NAV.map(
          ([key, label]) =>
            html`<a href="/admin/${key}" class="${frame.nav === key ? 'current' : ''}"
              >${label}</a
            >`,
        )}
        <span class="who">${frame.user}</span>
        <button
          type="button"
          class="link"
          data-action="/admin/api/session"
          data-method="DELETE"
          data-redirect="/admin/sign-in"
        >
          Sign out
        </button>
      </nav>`
    : html``
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${frame.csrfToken ? html`<meta name="csrf-token" content="${frame.csrfToken}" />` : ''}
        <title>${frame.title} · forcebridge admin</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/admin/assets/admin.css" />
        <script src="/admin/assets/admin.js" defer></script>
      </head>
      <body>
        ${nav}
        <main>
          <h1>${frame.title}</h1>
          ${body}
        </main>
      </body>
    </html> `.text
}
