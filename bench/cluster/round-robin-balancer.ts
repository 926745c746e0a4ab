// The benchmark's load balancer: a small HTTP proxy on 127.0.0.1 (node:http in front, an undici
// Pool per node behind) that hands each request to the next node in turn, as haproxy's
// `balance roundrobin` does. Each node gets at most `perNode` requests at once (haproxy's
// `maxconn` on a server line): round robin skips a node that is full, and when every node is
// full the request waits in one queue for the first node to free a slot, as in haproxy's backend
// queue. So a node serves at its own capacity, a node slowed for a moment does not collect a
// queue of its own, and the waiting happens here, where a real balancer queues too.
// A node that refuses the connection (down, or restarting) is skipped for the next one; a node
// that dies with a request on it answers 502, as a real balancer does without retries (the
// request may have run: retrying is the caller's choice, and the bench's callers retry only
// idempotent calls).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { Pool } from 'undici'

export interface Balancer {
  url: string
  /** Replaces the nodes requests go to (in-flight requests finish where they are). */
  setNodes(urls: readonly string[]): void
  /** Requests answered 502 because a node failed mid-request, and connects refused (skipped). */
  readonly stats: { failed: number; refused: number }
  close(): Promise<void>
}

/** Headers a proxy must not forward (RFC 9110 §7.6.1) plus the ones undici sets itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'content-length',
])

function refused(err: unknown): boolean {
  const code = (err as { code?: string }).code
  return code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT'
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export async function startBalancer(options: { perNode: number }): Promise<Balancer> {
  const pools = new Map<string, Pool>()
  let nodes: string[] = []
  let next = 0
  const stats = { failed: 0, refused: 0 }
  const inFlight = new Map<string, number>()
  const waiting: (() => void)[] = []
  const busy = (url: string) => inFlight.get(url) ?? 0
  /** The next node in turn with a free slot (taken), or undefined when all are full. */
  const take = (skip: ReadonlySet<string>): string | undefined => {
    for (let i = 0; i < nodes.length; i++) {
      const url = nodes[next++ % nodes.length]
      if (url !== undefined && !skip.has(url) && busy(url) < options.perNode) {
        inFlight.set(url, busy(url) + 1)
        return url
      }
    }
    return undefined
  }
  // Every waiter looks again, in the order they came: the first that may use the freed node takes
  // it (one that skips it, having been refused there, must not swallow the wake-up).
  const wake = () => {
    for (const resume of waiting.splice(0)) resume()
  }
  const release = (url: string) => {
    inFlight.set(url, busy(url) - 1)
    wake()
  }
  /** A node with a free slot, waiting for one if every node is full. */
  const acquire = async (skip: ReadonlySet<string>): Promise<string | undefined> => {
    for (;;) {
      const candidates = nodes.filter((n) => !skip.has(n))
      if (candidates.length === 0) return undefined
      const url = take(skip)
      if (url !== undefined) return url
      await new Promise<void>((resolve) => waiting.push(resolve))
    }
  }
  const poolOf = (url: string): Pool => {
    let pool = pools.get(url)
    if (!pool) {
      pool = new Pool(url, { connections: options.perNode, pipelining: 1 })
      pools.set(url, pool)
    }
    return pool
  }

  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name))
        headers[name] = Array.isArray(value) ? value.join(', ') : value
    }
    // Each node at most once per request: a refused connect tries the next one.
    const tried = new Set<string>()
    for (;;) {
      const url = await acquire(tried)
      if (url === undefined) break
      tried.add(url)
      try {
        const answer = await poolOf(url).request({
          method: req.method as 'GET',
          path: req.url ?? '/',
          headers,
          body: body.length > 0 ? body : null,
        })
        const text = await answer.body.arrayBuffer()
        const out: Record<string, string | string[]> = {}
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value
        }
        res.writeHead(answer.statusCode, out).end(Buffer.from(text))
        return
      } catch (err) {
        if (refused(err)) {
          stats.refused++
          continue
        }
        stats.failed++
        res.writeHead(502, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: 'BAD_GATEWAY', message: `node ${url}: ${String(err)}` }))
        return
      } finally {
        release(url)
      }
    }
    res.writeHead(503, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: 'NO_NODE', message: 'no node accepted the connection' }))
  }

  const server = createServer((req, res) => {
    forward(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err))
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setNodes(urls) {
      nodes = [...urls]
      next = 0
      wake()
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await Promise.all([...pools.values()].map((p) => p.destroy()))
    },
  }
}
