// OAuth errors as Salesforce's token endpoint answers them: status 400 and a JSON object
// `{"error", "error_description"}` with `Cache-Control: no-store` (salesforce-api.md §1.9).

export class OAuthFailure extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(`${error}: ${description}`)
    this.name = 'OAuthFailure'
  }
}

export const authenticationFailure = (): OAuthFailure =>
  new OAuthFailure('invalid_grant', 'authentication failure')
export const unsupportedGrant = (): OAuthFailure =>
  new OAuthFailure('unsupported_grant_type', 'grant type not supported')
export const invalidClientId = (): OAuthFailure =>
  new OAuthFailure('invalid_client_id', 'client identifier invalid')
export const invalidClient = (): OAuthFailure =>
  new OAuthFailure('invalid_client', 'invalid client credentials')
export const inactiveUser = (): OAuthFailure => new OAuthFailure('invalid_grant', 'inactive user')
