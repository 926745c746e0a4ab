// The dashboard's sign-in form: posts name and password to the session API, then opens the
// connections page.
import { apiForm, field, html, type Html } from '../html/index.js'

export function signInForm(): Html {
  return apiForm(
    { action: '/admin/api/session', redirect: '/admin/connections', submit: 'Sign in' },
    html`${field('User', html`<input name="name" required autocomplete="username" autofocus />`)}
    ${field(
      'Password',
      html`<input name="password" type="password" required autocomplete="current-password" />`,
    )}`,
  )
}
