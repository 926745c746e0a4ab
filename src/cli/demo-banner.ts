// The text `forcebridge dev` prints once everything listens: the seed's token request as a
// ready-to-paste curl, a curl that calls the campaign service, and the query that shows it.
import { DEMO_CONNECTION, DEMO_CREDENTIALS, DEMO_PATH } from './demo-setup.js'

export interface BannerInput {
  emulatorUrl: string
  serverUrl: string
  apiKey: string
  admin: { name: string; password: string }
  /** How to run the CLI from where the user stands, e.g. `npx forcebridge`. */
  cli: string
  home: string
}

/** Single-quotes a value for bash. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

export function demoBanner(b: BannerInput): string {
  const c = DEMO_CREDENTIALS
  const data = (field: string, value: string) =>
    `  --data-urlencode ${shellQuote(`${field}=${value}`)}`
  return [
    '',
    'forcebridge demo is running',
    `  emulator (a local Salesforce org): ${b.emulatorUrl}`,
    `  services:                          ${b.serverUrl}`,
    `  data folder:                       ${b.home}`,
    `Dashboard: ${b.serverUrl}/admin  user: ${b.admin.name}  password: ${b.admin.password}`,
    '',
    '1. Ask the emulator for a token, as the seed does against Salesforce:',
    '',
    `curl ${b.emulatorUrl}/services/oauth2/token \\`,
    '   -H "X-PrettyPrint: 1" \\',
    "  --header 'Content-Type: application/x-www-form-urlencoded' \\",
    "  --data-urlencode 'grant_type=password' \\",
    data('username', c.username) + ' \\',
    // Salesforce's password flow takes the password with the security token appended.
    data('password', c.password + c.securityToken) + ' \\',
    data('client_id', c.clientId) + ' \\',
    data('client_secret', c.clientSecret),
    '',
    `2. Create a Campaign through the service campaign.create (channel POST ${DEMO_PATH}):`,
    '',
    `curl ${b.serverUrl}${DEMO_PATH} \\`,
    `  -H ${shellQuote(`X-API-Key: ${b.apiKey}`)} \\`,
    "  -H 'Content-Type: application/json' \\",
    `  -d '{"name": "Spring Launch", "segment": "Enterprise"}'`,
    '',
    '3. Find it with SOQL through the same connection:',
    '',
    `${b.cli} query "SELECT Id, Name, Segment__c FROM Campaign" --connection ${shellQuote(DEMO_CONNECTION)}`,
    '',
    'Press Ctrl-C to stop; the data stays for the next start.',
    '',
  ].join('\n')
}
