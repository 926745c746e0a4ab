// Slow and greedy clients against every server we run (the services server with its admin, and
// the emulator), over real sockets: a client trickling its headers or its body is cut off while
// a fresh connection's health check is answered; idle kept-alive sockets are closed; the
// connection cap ends extra sockets; a socket serves a capped number of requests. The timeouts
// are made small through the same settings an operator uses.
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startEmulator } from '../../src/emulator/index.js'
import { createLogger, createRuntime, loadConfig } from '../../src/runtime/index.js'
import { openStore } from '../../src/store/index.js'
import type { ServerLimits } from '../../src/util/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-limits-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Target {
  url: string
  /** A path any caller may GET (the liveness check). */
  health: string
  close(): Promise<void>
}

const servers: Record<string, (limits: Partial<ServerLimits>) => Promise<Target>> = {
  'services server': async (limits) => {
    const store = await openStore({ home: join(dir, `home-${Math.random()}`) })
    const runtime = await createRuntime({
      store,
      log: createLogger({ level: 'silent' }),
      watch: false,
      serverLimits: limits,
    })
    const url = await runtime.listen('127.0.0.1', 0)
    return {
      url,
      health: '/healthz',
      close: async () => {
        await runtime.close()
        await store.close()
      },
    }
  },
  emulator: async (limits) => {
    const emulator = await startEmulator({ limits })
    return { url: emulator.url, health: '/services/data', close: () => emulator.close() }
  },
}

/** A raw socket that records what it receives and when it is closed. */
function rawSocket(url: string) {
  const { port } = new URL(url)
  const socket = connect(Number(port), '127.0.0.1')
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (received += chunk))
  socket.on('error', () => undefined)
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  const connected = new Promise<void>((resolve) => socket.on('connect', () => resolve()))
  return { socket, closed, connected, received: () => received }
}

/** Writes `text` one character every `everyMs` until the socket closes or the text runs out. */
function trickle(socket: Socket, text: string, everyMs: number): () => number {
  let sent = 0
  const timer = setInterval(() => {
    if (socket.destroyed || sent >= text.length) return clearInterval(timer)
    socket.write(text.charAt(sent++))
  }, everyMs)
  socket.on('close', () => clearInterval(timer))
  return () => sent
}

async function healthy(target: Target): Promise<number> {
  const res = await fetch(`${target.url}${target.health}`, { headers: { connection: 'close' } })
  await res.arrayBuffer()
  return res.status
}

for (const [name, start] of Object.entries(servers)) {
  describe(`${name}: slow and greedy clients`, () => {
    it('cuts off clients trickling headers or a body, and answers /healthz meanwhile', async () => {
      const target = await start({ headersTimeoutMs: 400, requestTimeoutMs: 800 })
      try {
        const head = `GET ${target.health} HTTP/1.1\r\nHost: x\r\n` + 'X-Slow: ' + 'a'.repeat(500)
        const body = `POST ${target.health} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n`
        const slowHeads = Array.from({ length: 5 }, () => rawSocket(target.url))
        const slowBodies = Array.from({ length: 5 }, () => rawSocket(target.url))
        for (const s of slowHeads) trickle(s.socket, head, 100)
        for (const s of slowBodies) {
          await s.connected
          s.socket.write(body)
          trickle(s.socket, '{"a":"' + 'b'.repeat(490), 100)
        }
        // During the attack a fresh connection is served.
        expect(await healthy(target)).toBe(200)
        await Promise.all([...slowHeads, ...slowBodies].map((s) => s.closed))
        // Each was ended by the server long before its request could be complete.
        for (const s of [...slowHeads, ...slowBodies]) {
          expect(s.received()).not.toMatch(/^HTTP\/1\.1 200/)
        }
        expect(slowHeads.some((s) => s.received().startsWith('HTTP/1.1 408'))).toBe(true)
        expect(await healthy(target)).toBe(200)
      } finally {
        await target.close()
      }
    }, 20_000)

    it('closes a kept-alive socket left idle, and caps requests per socket', async () => {
      const target = await start({ keepAliveTimeoutMs: 200, maxRequestsPerSocket: 2 })
      try {
        const request = `GET ${target.health} HTTP/1.1\r\nHost: x\r\n\r\n`
        const idle = rawSocket(target.url)
        await idle.connected
        idle.socket.write(request)
        // Answered, then closed by the server after its idle time.
        await idle.closed
        expect(idle.received()).toMatch(/^HTTP\/1\.1 200/)

        const busy = rawSocket(target.url)
        await busy.connected
        busy.socket.write(request + request + request)
        await busy.closed
        const answers = busy.received().match(/HTTP\/1\.1 \d{3}/g) ?? []
        // Two answered; the second says it is the last; the third is never served.
        expect(answers.slice(0, 2)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200'])
        expect(answers.filter((a) => a === 'HTTP/1.1 200')).toHaveLength(2)
        expect(busy.received().toLowerCase()).toContain('connection: close')
      } finally {
        await target.close()
      }
    }, 20_000)

    it('ends sockets over the connection cap and serves again once one closes', async () => {
      const target = await start({ maxConnections: 3 })
      try {
        const held = Array.from({ length: 3 }, () => rawSocket(target.url))
        await Promise.all(held.map((s) => s.connected))
        // Let the server accept the three before the fourth arrives.
        held[0]!.socket.write(`GET ${target.health} HTTP/1.1\r\nHost: x\r\n\r\n`)
        await new Promise<void>((resolve) => held[0]!.socket.once('data', () => resolve()))
        const extra = rawSocket(target.url)
        extra.socket.write(`GET ${target.health} HTTP/1.1\r\nHost: x\r\n\r\n`)
        await extra.closed
        expect(extra.received()).toBe('')
        for (const s of held) s.socket.destroy()
        await Promise.all(held.map((s) => s.closed))
        // The server counts the closes when it sees them; ask until one is served.
        let status = 0
        for (let i = 0; i < 50 && status !== 200; i++) {
          status = await healthy(target).catch(() => 0)
          if (status !== 200) await new Promise((r) => setTimeout(r, 20))
        }
        expect(status).toBe(200)
      } finally {
        await target.close()
      }
    }, 20_000)
  })
}

describe('server limit settings', () => {
  it('reads each from the environment, with defaults, and names a bad one', () => {
    expect(loadConfig({}).serverLimits).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1_000,
      maxRequestsPerSocket: 1_000,
    })
    const set = loadConfig({
      FORCEBRIDGE_HEADERS_TIMEOUT_MS: '2000',
      FORCEBRIDGE_REQUEST_TIMEOUT_MS: '4000',
      FORCEBRIDGE_KEEP_ALIVE_TIMEOUT_MS: '1000',
      FORCEBRIDGE_MAX_CONNECTIONS: '50',
      FORCEBRIDGE_MAX_REQUESTS_PER_CONNECTION: '0',
    }).serverLimits
    expect(set).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 4000,
      keepAliveTimeoutMs: 1000,
      maxConnections: 50,
      maxRequestsPerSocket: 0,
    })
    expect(() => loadConfig({ FORCEBRIDGE_MAX_CONNECTIONS: 'many' })).toThrow(
      /FORCEBRIDGE_MAX_CONNECTIONS must be a number/,
    )
    expect(() =>
      loadConfig({
        FORCEBRIDGE_HEADERS_TIMEOUT_MS: '9000',
        FORCEBRIDGE_REQUEST_TIMEOUT_MS: '5000',
      }),
    ).toThrow(/FORCEBRIDGE_HEADERS_TIMEOUT_MS must not be over FORCEBRIDGE_REQUEST_TIMEOUT_MS/)
  })
})
