// Slow clients over the emulator's HTTPS (`forcebridge emulator --tls`): a client that trickles
// its request head inside TLS, or never finishes the TLS handshake, is cut off by the header
// timeout while a normal HTTPS request is answered. The plain HTTP version of these checks is
// test/runtime/server-limits.test.ts.
import { connect as tcpConnect } from 'node:net'
import { connect as tlsConnect, type TLSSocket } from 'node:tls'
import type { Socket } from 'node:net'
import { Agent, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'

let emu: EmulatorHandle
let agent: Agent
let port: number

beforeAll(async () => {
  emu = await startEmulator({ tls: true, limits: { headersTimeoutMs: 400, requestTimeoutMs: 800 } })
  agent = new Agent({ connect: { ca: emu.tls!.cert } })
  port = Number(new URL(emu.url).port)
})
afterAll(async () => {
  await agent.close()
  await emu.close()
})

/** Records what a socket receives and when it closes. */
function watch(socket: Socket | TLSSocket) {
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (received += chunk))
  socket.on('error', () => undefined)
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  return { closed, received: () => received }
}

async function healthy(): Promise<number> {
  const res = await request(`${emu.url}/services/data`, { dispatcher: agent })
  await res.body.arrayBuffer()
  return res.statusCode
}

describe('emulator over HTTPS: slow clients', () => {
  it('cuts off a client trickling its headers inside TLS, and answers HTTPS meanwhile', async () => {
    const head = 'GET /services/data HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(500)
    const slow = Array.from({ length: 3 }, () => {
      const socket = tlsConnect({
        host: '127.0.0.1',
        port,
        ca: emu.tls!.cert,
        servername: 'localhost',
      })
      const seen = watch(socket)
      let sent = 0
      socket.once('secureConnect', () => {
        const timer = setInterval(() => {
          if (socket.destroyed || sent >= head.length) return clearInterval(timer)
          socket.write(head.charAt(sent++))
        }, 50)
        socket.on('close', () => clearInterval(timer))
      })
      return { ...seen, sent: () => sent }
    })
    expect(await healthy()).toBe(200)
    await Promise.all(slow.map((s) => s.closed))
    for (const s of slow) {
      // Ended long before its head could be complete, never answered with a 200.
      expect(s.sent()).toBeLessThan(head.length)
      expect(s.received()).not.toMatch(/^HTTP\/1\.1 200/)
    }
    expect(slow.some((s) => s.received().startsWith('HTTP/1.1 408'))).toBe(true)
    expect(await healthy()).toBe(200)
  }, 20_000)

  it('cuts off a client that opens a connection and never starts the TLS handshake', async () => {
    const socket = tcpConnect(port, '127.0.0.1')
    const seen = watch(socket)
    await seen.closed
    expect(seen.received()).toBe('')
    expect(await healthy()).toBe(200)
  }, 20_000)
})
