// One HTTP/1.1 request written byte for byte on a fresh socket, so that the fuzzer can send
// what no well-behaved client would (duplicated or contradictory headers, a bad Content-Length,
// invalid UTF-8 in the path). The socket is half-closed after the request: a server that reads
// past the body sees the end at once, and an answer that never comes is a hang.
import { connect } from 'node:net'

export interface RawRequest {
  method: string
  /** The request target exactly as written on the request line. */
  path: string
  /** Header lines in order; a name may repeat. */
  headers: [string, string][]
  body: Buffer
}

export interface RawAnswer {
  /** The status on the status line; 0 when the server closed without answering. */
  status: number
  /** The first bytes of the answer (headers and the start of the body). */
  head: string
  /** True when the answer did not end within the timeout. */
  hung: boolean
}

export function sendRaw(port: number, req: RawRequest, timeoutMs: number): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    let size = 0
    const finish = (hung: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      const text = Buffer.concat(chunks).toString('latin1')
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      resolve({ status: m ? Number(m[1]) : 0, head: text.slice(0, 4096), hung })
    }
    const timer = setTimeout(() => finish(true), timeoutMs)
    socket.on('data', (d: Buffer) => {
      if (size < 65_536) chunks.push(d)
      size += d.length
    })
    socket.on('close', () => finish(false))
    socket.on('error', () => undefined)
    socket.on('connect', () => {
      const head =
        `${req.method} ${req.path} HTTP/1.1\r\n` +
        req.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') +
        '\r\n'
      socket.write(Buffer.concat([Buffer.from(head, 'utf8'), req.body]))
      socket.end()
    })
  })
}

/**
 * The request as one JSON line (the body as text when it is valid UTF-8, else base64). Each
 * credential in `secrets` is written as its placeholder (`<apiKey>`, `<session>`...): the run's
 * credentials die with its servers, and a reproducer is replayed with fresh ones.
 */
export function reproducer(
  target: string,
  req: RawRequest,
  secrets: Record<string, string> = {},
): string {
  const hide = (v: string) =>
    Object.entries(secrets).reduce((out, [name, secret]) => out.split(secret).join(`<${name}>`), v)
  const text = req.body.toString('utf8')
  const utf8 = Buffer.from(text, 'utf8').equals(req.body)
  const body =
    req.body.length > 2000 ? undefined : utf8 ? { text } : { base64: req.body.toString('base64') }
  return JSON.stringify({
    target,
    method: req.method,
    path:
      req.path.length > 2000 ? `${req.path.slice(0, 2000)}…(${req.path.length} chars)` : req.path,
    headers: req.headers.map(([k, raw]) => {
      const v = hide(raw)
      return [k, v.length > 200 ? `${v.slice(0, 200)}…(${v.length})` : v]
    }),
    body: body ?? { bytes: req.body.length, start: text.slice(0, 200) },
  })
}
