// The new connected app form: reading the posted fields, checking them as Salesforce's form
// does (name, API name, contact email, callback URL and scopes when OAuth is on), and the
// consumer key and secret a saved app receives.

import { randomBytes } from 'node:crypto'
import type { NewAppValues } from './pages.js'

/** The form's values from the posted fields; the API name defaults from the app name. */
export function readAppForm(fields: URLSearchParams): NewAppValues {
  const name = (fields.get('name') ?? '').trim()
  return {
    name,
    apiName: (fields.get('apiName') ?? '').trim() || defaultApiName(name),
    contactEmail: (fields.get('contactEmail') ?? '').trim(),
    oauthEnabled: fields.get('oauthEnabled') === '1',
    callbackUrl: (fields.get('callbackUrl') ?? '').trim(),
    scopes: fields.getAll('scopes'),
    clientCredentials: fields.get('clientCredentials') === '1',
  }
}

export function defaultApiName(name: string): string {
  return name
    .trim()
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

/** Salesforce consumer keys start with 3MVG9; secrets are long random strings. */
export function newCredentials(): { consumerKey: string; consumerSecret: string } {
  const key = randomBytes(60).toString('base64url').replaceAll('-', '.')
  return {
    consumerKey: `3MVG9${key}`,
    consumerSecret: randomBytes(32).toString('hex').toUpperCase(),
  }
}

export function validateAppForm(
  values: NewAppValues,
  taken: { names: Set<string>; apiNames: Set<string> },
): string[] {
  const errors: string[] = []
  if (values.name.trim() === '') errors.push('Connected App Name: enter a name.')
  else if (taken.names.has(values.name.trim().toLowerCase()))
    errors.push('Connected App Name: an app with this name exists; choose another.')
  if (!/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/.test(values.apiName) || values.apiName.endsWith('_')) {
    errors.push(
      'API Name: use letters, digits and single underscores, starting with a letter and not ending with an underscore.',
    )
  } else if (taken.apiNames.has(values.apiName.toLowerCase())) {
    errors.push('API Name: an app with this API name exists; choose another.')
  }
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.contactEmail))
    errors.push('Contact Email: enter a valid email address.')
  if (values.oauthEnabled) {
    let url: URL | undefined
    try {
      url = new URL(values.callbackUrl)
    } catch {
      url = undefined
    }
    if (url === undefined || !/^https?:$/.test(url.protocol))
      errors.push('Callback URL: enter a full URL such as https://example.com/callback.')
    if (values.scopes.length === 0) errors.push('Selected OAuth Scopes: choose at least one scope.')
  }
  return errors
}
