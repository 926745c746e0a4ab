// `forcebridge connection add|list|show|edit|remove|ping|token`. Secrets come from a hidden
// prompt or from environment variables named by flags; show and list never print them. add and
// edit check the login host for the flow, then log in before storing (--no-check skips that).
import type { Command } from 'commander'
import { readFileSync } from 'node:fs'
import type { Logger } from 'pino'
import type { ConnectionInfo, ConnectionInput, SecretField, Store } from '../store/index.js'
import { ForcebridgeError, hasCode } from '../util/index.js'
import { withStore } from './cli-context.js'
import { authorizeCommand } from './connection-authorize.js'
import { checkLoginHost } from './login-host-rule.js'
import { canPrompt, promptSecret, secretFromEnv } from './secret-input.js'
import { formatTable } from './text-table.js'

interface SecretFlagSpec {
  field: SecretField
  label: string
  env: string
}
const SECRET_FLAGS: SecretFlagSpec[] = [
  { field: 'password', label: 'Password', env: 'passwordEnv' },
  { field: 'securityToken', label: 'Security token', env: 'securityTokenEnv' },
  { field: 'clientSecret', label: 'Consumer secret (client secret)', env: 'clientSecretEnv' },
  { field: 'privateKey', label: 'Private key (PEM)', env: 'privateKeyEnv' },
  { field: 'refreshToken', label: 'Refresh token', env: 'refreshTokenEnv' },
]

/** Which secrets each flow uses, in prompt order; `optional` ones may be skipped. */
const FLOW_SECRETS: Record<string, { field: SecretField; optional: boolean }[]> = {
  password: [
    { field: 'password', optional: false },
    { field: 'securityToken', optional: true },
    { field: 'clientSecret', optional: false },
  ],
  client_credentials: [{ field: 'clientSecret', optional: false }],
  jwt_bearer: [{ field: 'privateKey', optional: false }],
  refresh_token: [
    { field: 'refreshToken', optional: false },
    { field: 'clientSecret', optional: true },
  ],
}

interface ConnectionFlags {
  loginUrl?: string
  apiVersion?: string
  flow?: string
  username?: string
  clientId?: string
  active?: boolean
  inactive?: boolean
  name?: string
  privateKeyFile?: string
  prompt?: boolean
  check?: boolean
  [env: string]: unknown
}

function addConnectionFlags(cmd: Command): Command {
  return cmd
    .option('--login-url <url>', 'login host, e.g. https://login.salesforce.com or a My Domain')
    .option('--api-version <version>', 'API version, e.g. 66.0')
    .option('--flow <flow>', 'password | client_credentials | jwt_bearer | refresh_token')
    .option('--username <username>', 'Salesforce username')
    .option('--client-id <key>', 'consumer key of the connected app')
    .option('--password-env <VAR>', 'read the password from this environment variable')
    .option('--security-token-env <VAR>', 'read the security token from this environment variable')
    .option('--client-secret-env <VAR>', 'read the consumer secret from this environment variable')
    .option('--private-key-env <VAR>', 'read the PEM private key from this environment variable')
    .option('--private-key-file <file>', 'read the PEM private key from this file')
    .option('--refresh-token-env <VAR>', 'read the refresh token from this environment variable')
    .option('--no-prompt', 'never prompt; fail when a needed secret is not given')
}

/** Secrets given by flags, then prompted for (on a terminal) when the flow needs them. */
async function collectSecrets(flags: ConnectionFlags, flow: string, askMissing: boolean) {
  const secrets: Partial<Record<SecretField, string>> = {}
  for (const spec of SECRET_FLAGS) {
    const envName = flags[spec.env]
    if (typeof envName === 'string') {
      const flag = `--${spec.env.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
      secrets[spec.field] = secretFromEnv(envName, flag)
    }
  }
  if (flags.privateKeyFile) secrets.privateKey = readFileSync(flags.privateKeyFile, 'utf8')
  if (askMissing && flags.prompt !== false && canPrompt()) {
    for (const need of FLOW_SECRETS[flow] ?? []) {
      if (secrets[need.field] !== undefined) continue
      const label = SECRET_FLAGS.find((s) => s.field === need.field)?.label ?? need.field
      const value = await promptSecret(label, need.optional)
      if (value !== undefined) secrets[need.field] = value
    }
  }
  return secrets
}

function describe(c: ConnectionInfo): string {
  const set = (f: SecretField) => (c.secrets[f] ? 'set' : 'not set')
  const lines: [string, string][] = [
    ['Name', c.name],
    ['Active', c.active ? 'yes' : 'no'],
    ['Login URL', c.loginUrl],
    ['API version', c.apiVersion],
    ['Auth flow', c.authFlow],
    ['Username', c.username ?? ''],
    ['Consumer key', c.clientId ?? ''],
    ['Password', set('password')],
    ['Security token', set('securityToken')],
    ['Consumer secret', set('clientSecret')],
    ['Private key', set('privateKey')],
    ['Refresh token', set('refreshToken')],
    ['Updated', c.updatedAt],
  ]
  return lines.map(([k, v]) => `${`${k}:`.padEnd(17)}${v}`).join('\n')
}

/** Adds to a validation error how secrets reach the CLI, since they have no plain flags. */
function withSecretFlagsHint(err: unknown): never {
  if (hasCode(err, 'INVALID_CONNECTION') && !canPrompt()) {
    throw new ForcebridgeError(
      'INVALID_CONNECTION',
      `${err.message}; give secrets with --password-env, --security-token-env, --client-secret-env, --private-key-env (or --private-key-file) and --refresh-token-env, or run on a terminal to be asked`,
      { cause: err },
    )
  }
  throw err
}

export function connectionCommand(program: Command): void {
  const connection = program.command('connection').description('manage Salesforce connections')

  addConnectionFlags(connection.command('add <name>').description('add a connection'))
    .option('--inactive', 'add it switched off')
    .option('--no-check', 'store it without logging in to Salesforce first')
    .action(async (name: string, flags: ConnectionFlags) => {
      const flow = flags.flow ?? 'password'
      const loginUrl = flags.loginUrl ?? 'https://login.salesforce.com'
      // Before a secret is asked for: a host the flow cannot use is refused at once.
      checkLoginHost(name, flow, loginUrl)
      await withStore(async ({ store, log }) => {
        if (await store.connections.find(name)) {
          throw new ForcebridgeError(
            'CONNECTION_EXISTS',
            `connection '${name}' already exists; use \`forcebridge connection edit\` to change it`,
          )
        }
        const secrets = await collectSecrets(flags, flow, true)
        const { parseConnectionInput } = await import('../store/index.js')
        const { unsavedCredentials, verifyBeforeSaving } = await import('./connection-verify.js')
        const raw = {
          name,
          active: !flags.inactive,
          loginUrl,
          ...(flags.apiVersion ? { apiVersion: flags.apiVersion } : {}),
          authFlow: flow,
          username: flags.username,
          clientId: flags.clientId,
          ...secrets,
        }
        let input: ConnectionInput
        try {
          input = parseConnectionInput(raw)
        } catch (err) {
          withSecretFlagsHint(err)
        }
        if (flags.check !== false) await verifyBeforeSaving(unsavedCredentials(input), log, 'add')
        const saved = await store.connections.add(input)
        console.log(
          flags.check !== false
            ? `✓ connection '${saved.name}' added`
            : `✓ connection '${saved.name}' added without a check; check it with: forcebridge connection ping '${saved.name}'`,
        )
      })
    })

  connection
    .command('list')
    .description('list connections (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withStore(async ({ store }) => {
        const all = await store.connections.list()
        if (flags.json) return console.log(JSON.stringify(all, null, 2))
        if (all.length === 0)
          return console.log('no connections; add one with: forcebridge connection add <name>')
        const rows = all.map((c) => [
          c.name,
          c.active ? 'yes' : 'no',
          c.authFlow,
          c.username ?? '',
          c.loginUrl,
          c.apiVersion,
        ])
        console.log(formatTable(['NAME', 'ACTIVE', 'FLOW', 'USERNAME', 'LOGIN URL', 'API'], rows))
      })
    })

  connection
    .command('show <name>')
    .description('show one connection (secrets only as set / not set)')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      await withStore(async ({ store }) => {
        const c = await store.connections.get(name)
        console.log(flags.json ? JSON.stringify(c, null, 2) : describe(c))
      })
    })

  addConnectionFlags(
    connection.command('edit <name>').description('change a connection; what is not given stays'),
  )
    .option('--name <new-name>', 'rename it')
    .option('--active', 'switch it on')
    .option('--inactive', 'switch it off')
    .option('--no-check', 'store the change without logging in to Salesforce first')
    .action(async (name: string, flags: ConnectionFlags) => {
      if (flags.active && flags.inactive) {
        throw new ForcebridgeError('INVALID_ARGUMENTS', 'give --active or --inactive, not both')
      }
      // Edit never prompts by itself: a secret changes only when its flag is given.
      const secrets = await collectSecrets(flags, flags.flow ?? '', false)
      const { editedConnection, editNeedsCheck, unsavedCredentials, verifyBeforeSaving } =
        await import('./connection-verify.js')
      await withStore(async ({ store, log }) => {
        const changes: Record<string, unknown> = {
          name: flags.name,
          active: flags.active ? true : flags.inactive ? false : undefined,
          loginUrl: flags.loginUrl,
          apiVersion: flags.apiVersion,
          authFlow: flags.flow,
          username: flags.username,
          clientId: flags.clientId,
          ...secrets,
        }
        const current = await store.connections.credentials(name)
        const next = editedConnection(current, changes)
        const checked = editNeedsCheck(changes)
        if (checked) {
          checkLoginHost(next.name, next.authFlow, next.loginUrl)
          if (flags.check !== false) {
            await verifyBeforeSaving(unsavedCredentials(next, current.id), log, 'edit')
          }
        }
        const saved = await store.connections.update(name, changes)
        console.log(
          checked && flags.check === false
            ? `✓ connection '${saved.name}' updated without a check; check it with: forcebridge connection ping '${saved.name}'`
            : `✓ connection '${saved.name}' updated`,
        )
      })
    })

  connection
    .command('remove <name>')
    .description('remove a connection')
    .action(async (name: string) => {
      await withStore(async ({ store, log }) => {
        await revokeStoredToken(store, name, log)
        await store.connections.remove(name)
        console.log(`✓ connection '${name}' removed`)
      })
    })

  authorizeCommand(connection)

  connection
    .command('ping <name>')
    .description('log in, check the API version, and make one authenticated call')
    .action(async (name: string) => {
      const { pingConnection } = await import('./connection-check.js')
      const ok = await withStore((ctx) => pingConnection(ctx, name))
      if (!ok) process.exitCode = 1
    })

  connection
    .command('token <name>')
    .description(
      "log in and print Salesforce's token response, with its signature checked (the access token masked)",
    )
    .option('--reveal', 'print the access token whole (a live session: keep it out of logs)')
    .action(async (name: string, opts: { reveal?: boolean }) => {
      const { printToken } = await import('./connection-check.js')
      await withStore((ctx) => printToken(ctx, name, { reveal: opts.reveal === true }))
    })
}

/**
 * Revokes at Salesforce the token a removed connection leaves behind (the stored access token,
 * or the refresh token of the refresh-token flow) and forgets it. A failure is reported, not
 * fatal: the connection is removed either way.
 */
async function revokeStoredToken(store: Store, name: string, log: Logger): Promise<void> {
  const { clientFor, forgetStoredToken, storedTokens } =
    await import('../runtime/connections/index.js')
  const creds = await store.connections.credentials(name)
  const stored = await storedTokens(store.settings, creds).load('')
  if (stored || creds.authFlow === 'refresh_token') {
    const client = clientFor(creds, log, { settings: store.settings })
    try {
      if (stored) await client.token()
      await client.revoke()
      console.log(`✓ token of '${name}' revoked at Salesforce`)
    } catch (err) {
      console.error(
        `! could not revoke the token of '${name}': ${err instanceof Error ? err.message : String(err)}`,
      )
    } finally {
      await client.close()
    }
  }
  await forgetStoredToken(store.settings, creds.id)
}
