// `forcebridge connection authorize <name>`: the web-server flow with PKCE, as the Salesforce CLI
// runs it. The user logs in and allows the app in a browser; the refresh token is stored sealed
// and the connection switched to the refresh_token flow.
import { randomBytes } from 'node:crypto'
import type { Command } from 'commander'
import type { LoginError, TokenInfo } from '../salesforce/index.js'
import { ForcebridgeError, type ErrorCode } from '../util/index.js'
import type { AuthorizeFlags, AuthorizePlan } from './authorize-plan.js'
import { withStore, type CliContext } from './cli-context.js'
import { DEFAULT_LOGIN_URL } from './login-host-rule.js'
import {
  listenForCallback,
  type CallbackListener,
  type OAuthCallback,
} from './oauth-callback-listener.js'
import { openBrowser } from './open-browser.js'

/**
 * The first callback, or a clear failure on timeout or Ctrl-C. Armed before the URL is printed:
 * a Ctrl-C (or a script's SIGINT) right after the URL appears must cancel cleanly, not find
 * Node's default handler and kill the command without a word. `dispose` disarms it.
 */
function waitForCallback(
  listener: CallbackListener,
  timeoutSeconds: number,
): { callback: Promise<OAuthCallback>; dispose: () => void } {
  let timer: NodeJS.Timeout | undefined
  let onSignal = (): void => undefined
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new ForcebridgeError(
          'AUTHORIZE_TIMEOUT',
          `no answer from the browser within ${timeoutSeconds} s: the login and Allow were not completed, or the browser could not reach ${listener.redirectUri} (it must be a callback URL of the connected app, exactly); nothing was stored; run the command again, with a longer --timeout if needed`,
        ),
      )
    }, timeoutSeconds * 1_000)
    onSignal = () =>
      reject(new ForcebridgeError('ABORTED', 'authorization cancelled; nothing was stored'))
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
  })
  const dispose = () => {
    clearTimeout(timer)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  const callback = Promise.race([listener.callback, stopped]).finally(dispose)
  // Awaited once the instructions are printed; never left as an unhandled rejection meanwhile.
  callback.catch(() => undefined)
  return { callback, dispose }
}

/** The code from a callback that belongs to this authorization, or why there is none. */
function codeOf(callback: OAuthCallback, state: string, p: AuthorizePlan): string {
  const q = callback.query
  const fail = (status: number, title: string, code: ErrorCode, message: string): never => {
    callback.answer(status, title, `${message} You can close this window.`)
    throw new ForcebridgeError(code, `connection '${p.name}': ${message} Nothing was stored.`)
  }
  // A request without our state did not come from this authorization: refuse it first.
  if (q.get('state') !== state) {
    return fail(
      400,
      'Refused',
      'AUTHORIZE_STATE_MISMATCH',
      'the callback carried a state that does not match the one forcebridge sent (a forged request, an old browser tab, or another authorization); run the command again.',
    )
  }
  const error = q.get('error')
  if (error === 'access_denied') {
    return fail(
      200,
      'Access denied',
      'AUTHORIZE_DENIED',
      `access was denied in the browser (${q.get('error_description') ?? 'access_denied'}); run the command again and click Allow.`,
    )
  }
  if (error !== null) {
    return fail(
      200,
      'Authorization failed',
      'AUTHORIZE_FAILED',
      `Salesforce answered ${error} (${q.get('error_description') ?? 'no description'}); check the connected app: OAuth enabled, its scopes, its callback URL, and that the user may use it.`,
    )
  }
  const code = q.get('code')
  if (!code) {
    return fail(400, 'Refused', 'AUTHORIZE_FAILED', 'the callback carried no authorization code.')
  }
  return code
}

/** The exchange's failure in the terminal's words, with the flag that fixes it when there is one. */
function exchangeFailure(err: LoginError, p: AuthorizePlan): Error {
  const advice =
    err.error === 'invalid_client' && !p.clientSecret
      ? '; give the consumer secret with --client-secret-env <VAR>'
      : ''
  return new ForcebridgeError(err.code, `${err.message}${advice}; nothing was stored`, {
    cause: err,
  })
}

interface Identity {
  username: string
  displayName: string
  orgId: string
}

/** Saves the connection in the refresh_token flow and the token beside it, sealed. */
async function save(ctx: CliContext, p: AuthorizePlan, token: TokenInfo): Promise<void> {
  const { storedTokens } = await import('../runtime/connections/index.js')
  const { store } = ctx
  const refreshToken = token.refreshToken!
  if (await store.connections.find(p.name)) {
    // Its other settings (API version, active, username) stay.
    await store.connections.update(p.name, {
      authFlow: 'refresh_token',
      loginUrl: p.loginUrl,
      clientId: p.clientId,
      refreshToken,
      ...(p.secretGiven ? { clientSecret: p.clientSecret } : {}),
    })
  } else {
    await store.connections.add({
      name: p.name,
      loginUrl: p.loginUrl,
      authFlow: 'refresh_token',
      clientId: p.clientId,
      refreshToken,
      ...(p.clientSecret ? { clientSecret: p.clientSecret } : {}),
    })
  }
  // The access token and instance URL too, so the first call of a service needs no login.
  const creds = await store.connections.credentials(p.name)
  await storedTokens(store.settings, creds).save('', token)
}

/**
 * Names the authorised user on a new connection (so `connection list` shows it); an existing
 * connection keeps its username, with a note when the browser signed in as someone else.
 */
async function recordUser(
  ctx: CliContext,
  name: string,
  username: string,
  token: TokenInfo,
): Promise<void> {
  const { storedTokens } = await import('../runtime/connections/index.js')
  const current = await ctx.store.connections.get(name)
  if (current.username === undefined) {
    await ctx.store.connections.update(name, { username })
    // The stored token is tied to the login's settings, the username among them: save it again.
    const creds = await ctx.store.connections.credentials(name)
    await storedTokens(ctx.store.settings, creds).save('', token)
  } else if (current.username.toLowerCase() !== username.toLowerCase()) {
    console.log(
      `! connection '${name}' names the user ${current.username}, but the browser authorised ${username}; calls run as ${username}`,
    )
  }
}

/** Who the stored token acts as (OIDC userinfo, on the instance). */
async function identity(ctx: CliContext, name: string): Promise<Identity | undefined> {
  const { clientFor } = await import('../runtime/connections/index.js')
  const creds = await ctx.store.connections.credentials(name)
  const client = clientFor(creds, ctx.log, {
    settings: ctx.store.settings,
    repo: ctx.store.connections,
  })
  try {
    const info = await client.get<Record<string, unknown>>('/services/oauth2/userinfo')
    const text = (k: string) => (typeof info[k] === 'string' ? info[k] : '')
    return {
      username: text('preferred_username'),
      displayName: text('name'),
      orgId: text('organization_id'),
    }
  } catch (err) {
    console.log(
      `! could not read who the token belongs to: ${err instanceof Error ? err.message : String(err)}`,
    )
    return undefined
  } finally {
    await client.close()
  }
}

async function authorize(name: string, flags: AuthorizeFlags): Promise<void> {
  const { plan } = await import('./authorize-plan.js')
  const { pingConnection } = await import('./connection-check.js')
  const { authorizeUrl, createPkcePair, exchangeAuthorizationCode, LoginError } =
    await import('../salesforce/index.js')
  const p = await plan(name, flags)
  const pkce = createPkcePair()
  const state = randomBytes(24).toString('base64url')
  const listener = await listenForCallback(flags.callbackPort)
  const waiting = waitForCallback(listener, flags.timeout)
  try {
    const url = authorizeUrl({
      loginUrl: p.loginUrl,
      clientId: p.clientId,
      redirectUri: listener.redirectUri,
      scope: flags.scope,
      state,
      codeChallenge: pkce.challenge,
    })
    console.log(
      `Authorize connection '${p.name}' at ${p.loginUrl}: open this URL in a browser, log in and click Allow:\n\n  ${url}\n`,
    )
    const opened = flags.browser && openBrowser(url)
    const how = !flags.browser
      ? ''
      : opened
        ? 'A browser was asked to open it. '
        : `No browser can be opened here (no display): open the URL in a browser on this machine, or on yours through an SSH tunnel to this port (ssh -L ${listener.port}:localhost:${listener.port} …). `
    console.log(
      `${how}Salesforce redirects to ${listener.redirectUri}, which must be a callback URL of the connected app.\nWaiting up to ${flags.timeout} s (Ctrl-C to cancel)...`,
    )
    const callback = await waiting.callback
    const code = codeOf(callback, state, p)
    let token: TokenInfo
    try {
      token = await exchangeAuthorizationCode({
        loginUrl: p.loginUrl,
        clientId: p.clientId,
        ...(p.clientSecret ? { clientSecret: p.clientSecret } : {}),
        code,
        redirectUri: listener.redirectUri,
        codeVerifier: pkce.verifier,
        name: p.name,
      })
    } catch (err) {
      const failure =
        err instanceof LoginError
          ? exchangeFailure(err, p)
          : err instanceof Error
            ? err
            : new Error(String(err))
      callback.answer(200, 'Authorization failed', `${failure.message}. See the terminal.`)
      throw failure
    }
    if (!token.refreshToken) {
      const message = `connection '${p.name}': Salesforce issued no refresh token; add "Perform requests at any time (refresh_token, offline_access)" to the connected app's OAuth scopes and authorise again; nothing was stored`
      callback.answer(200, 'Authorization failed', `${message}.`)
      throw new ForcebridgeError('NO_REFRESH_TOKEN', message)
    }
    console.log(
      `✓ authorization code exchanged for a refresh token (instance ${token.instanceUrl})`,
    )
    await withStore(async (ctx) => {
      await save(ctx, p, token)
      console.log(
        `✓ connection '${p.name}' ${p.exists ? 'switched to' : 'added with'} the refresh_token flow; tokens sealed in the store`,
      )
      const who = await identity(ctx, p.name)
      if (who?.username) await recordUser(ctx, p.name, who.username, token)
      callback.answer(
        200,
        'Authorized',
        `forcebridge connection '${p.name}' is authorised${who ? ` as ${who.username}` : ''}. You can close this window.`,
      )
      if (!(await pingConnection(ctx, p.name))) {
        console.log(`✗ connection '${p.name}' is saved, but the check above failed`)
        process.exitCode = 1
      }
      if (who) {
        const display = who.displayName ? ` (${who.displayName})` : ''
        console.log(
          `✓ authorised as ${who.username}${display} in org ${who.orgId} on ${token.instanceUrl}`,
        )
      }
    })
  } finally {
    waiting.dispose()
    await listener.close()
  }
}

export function authorizeCommand(connection: Command): void {
  connection
    .command('authorize <name>')
    .description(
      'authorise an org in the browser (web-server flow with PKCE) and keep its refresh token',
    )
    .option(
      '--login-url <url>',
      `login host (default ${DEFAULT_LOGIN_URL}; test.salesforce.com or a My Domain for sandboxes)`,
    )
    .option('--client-id <key>', 'consumer key of the connected app or External Client App')
    .option(
      '--client-secret-env <VAR>',
      'read the consumer secret from this environment variable (if the app requires it)',
    )
    .option(
      '--callback-port <n>',
      'port of the callback http://localhost:<n>/OauthRedirect',
      '1717',
    )
    .option('--scope <scopes>', 'OAuth scopes, space-separated', 'api refresh_token')
    .option('--no-browser', 'only print the URL; do not open a browser')
    .option('--timeout <seconds>', 'how long to wait for the browser', '300')
    .action(async (name: string, raw: Record<string, unknown>) => {
      const { parseFlags } = await import('./authorize-plan.js')
      await authorize(name, parseFlags(raw))
    })
}
