// The OAuth scopes offered on the connected app form, with Salesforce's labels. The value is
// the scope token(s) Salesforce puts in the token response's `scope`.

export interface ScopeChoice {
  value: string
  label: string
}

export const OAUTH_SCOPES: ScopeChoice[] = [
  { value: 'api', label: 'Manage user data via APIs (api)' },
  {
    value: 'refresh_token offline_access',
    label: 'Perform requests at any time (refresh_token, offline_access)',
  },
  { value: 'full', label: 'Full access (full)' },
  { value: 'web', label: 'Manage user data via Web browsers (web)' },
  {
    value: 'id profile email address phone',
    label: 'Access the identity URL service (id, profile, email, address, phone)',
  },
  { value: 'openid', label: 'Access unique user identifiers (openid)' },
  { value: 'custom_permissions', label: 'Access custom permissions (custom_permissions)' },
  { value: 'chatter_api', label: 'Access Connect REST API resources (chatter_api)' },
  { value: 'visualforce', label: 'Manage user data via Visualforce (visualforce)' },
  { value: 'lightning', label: 'Access Lightning applications (lightning)' },
  { value: 'content', label: 'Access content resources (content)' },
]

/** The scope tokens of the chosen values, without duplicates, in the offered order. */
export function scopeTokens(chosen: string[]): string[] {
  const tokens: string[] = []
  for (const choice of OAUTH_SCOPES) {
    if (!chosen.includes(choice.value)) continue
    for (const token of choice.value.split(' ')) if (!tokens.includes(token)) tokens.push(token)
  }
  return tokens
}
