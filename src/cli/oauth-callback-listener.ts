// The one-shot HTTP listener on 127.0.0.1 that receives Salesforce's redirect at the end of
// `connection authorize` (http://localhost:<port>/OauthRedirect, the Salesforce CLI's
// convention) and answers the browser with a small page once the command knows the outcome.
// Anything on the machine can reach a loopback port while the command waits, so the listener
// bounds what a client may hold: a few sockets, and a short time to send its request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ForcebridgeError } from '../util/index.js'

export const CALLBACK_PATH = '/OauthRedirect'

export interface OAuthCallback {
  /** The redirect's query: `code` and `state`, or `error` and `error_description`. */
  query: URLSearchParams
  /** Answers the browser with a small HTML page; only the first answer counts. */
  answer(status: number, title: string, text: string): void
}

export interface CallbackListener {
  port: number
  /** http://localhost:<port>/OauthRedirect: what the app must list as a callback URL. */
  redirectUri: string
  /** The first request to the callback path. */
  callback: Promise<OAuthCallback>
  /** Answers a callback still waiting, then stops listening. */
  close(): Promise<void>
}

/** Limits of the callback listener; only tests make them smaller. */
export interface CallbackListenerLimits {
  /** Time a client has to send its request line and headers. Default 10,000 ms. */
  headersTimeoutMs: number
  /** Time a client has to send its whole request. Default 15,000 ms. */
  requestTimeoutMs: number
  /** Idle time of a kept-alive socket between requests. Default 2,000 ms. */
  keepAliveTimeoutMs: number
  /** Sockets open at once (a browser opens a few); more are closed as they arrive. Default 8. */
  maxConnections: number
}

export const DEFAULT_CALLBACK_LIMITS: Readonly<CallbackListenerLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 2_000,
  maxConnections: 8,
})

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function send(res: ServerResponse, status: number, title: string, text: string): void {
  if (res.headersSent) return
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    // The page is the end of the flow: nothing to cache, load or leak in a Referer.
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  })
  res.end(
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head>` +
      `<body><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`,
  )
}

function listenError(err: NodeJS.ErrnoException, port: number): ForcebridgeError {
  const advice = `or pass --callback-port <n> with http://localhost:<n>${CALLBACK_PATH} registered as a callback URL of the connected app`
  if (err.code === 'EADDRINUSE') {
    return new ForcebridgeError(
      'CALLBACK_PORT_BUSY',
      `cannot receive the OAuth callback on 127.0.0.1:${port}: the port is in use (perhaps another \`forcebridge connection authorize\`, or a Salesforce CLI login, which uses 1717 too); stop that program, ${advice}`,
      { cause: err },
    )
  }
  return new ForcebridgeError(
    'CALLBACK_LISTEN_FAILED',
    `cannot receive the OAuth callback on 127.0.0.1:${port} (${err.code ?? err.message}); free the port, ${advice}`,
    { cause: err },
  )
}

/**
 * Listens on 127.0.0.1:`port` (0: a free port), and on no other address, until the first
 * callback arrives.
 */
export async function listenForCallback(
  port: number,
  limits: Partial<CallbackListenerLimits> = {},
): Promise<CallbackListener> {
  const l = { ...DEFAULT_CALLBACK_LIMITS, ...limits }
  let deliver: (callback: OAuthCallback) => void = () => undefined
  const callback = new Promise<OAuthCallback>((resolve) => {
    deliver = resolve
  })
  let waiting: ServerResponse | undefined
  let received = false
  const server = createServer(
    {
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      // Node checks the two timeouts on this interval (30 s by default): a quarter of the
      // shorter one cuts a slow client off close to its limit.
      connectionsCheckingInterval: Math.max(
        25,
        Math.floor(Math.min(l.headersTimeoutMs, l.requestTimeoutMs) / 4),
      ),
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname !== CALLBACK_PATH) {
        return send(res, 404, 'Not found', 'This address only receives the OAuth callback.')
      }
      if (received) {
        return send(res, 409, 'Already answered', 'This authorization has already finished.')
      }
      received = true
      waiting = res
      deliver({
        query: url.searchParams,
        answer: (status, title, text) => send(res, status, title, text),
      })
    },
  )
  server.maxConnections = l.maxConnections
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, port)))
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const actual = (server.address() as AddressInfo).port
  return {
    port: actual,
    redirectUri: `http://localhost:${actual}${CALLBACK_PATH}`,
    callback,
    async close() {
      if (waiting) {
        send(
          waiting,
          500,
          'Not finished',
          'forcebridge stopped before finishing; see the terminal.',
        )
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      // A browser may hold a keep-alive socket open: give answers a moment to leave, then cut.
      const timer = setTimeout(() => server.closeAllConnections(), 1_000)
      await closed
      clearTimeout(timer)
    },
  }
}
