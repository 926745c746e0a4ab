// What the Setup pages need from the emulated org: checking a user's password, listing and
// adding connected apps, and the "Allow OAuth Username-Password Flows" setting.

export const OAUTH_FLOWS = [
  'password',
  'client_credentials',
  'jwt_bearer',
  'authorization_code',
  'refresh_token',
] as const
export type OAuthFlow = (typeof OAUTH_FLOWS)[number]

export interface SetupApp {
  name: string
  consumerKey: string
  consumerSecret: string
  flows: OAuthFlow[]
  scopes: string[]
  /** Username the client credentials flow runs as. */
  runAs?: string
}

export interface SetupBackend {
  /** The user when the username and password (no security token) match an active user. */
  checkLogin(username: string, password: string): { userId: string; username: string } | undefined
  connectedApps(): SetupApp[]
  /** Adds an app whose key and secret work at the token endpoint from now on. */
  addConnectedApp(app: SetupApp): void
  usernamePasswordFlowAllowed(): boolean
  setUsernamePasswordFlowAllowed(allowed: boolean): void
}
