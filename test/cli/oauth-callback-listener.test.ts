// The loopback listener of `connection authorize` under slow and greedy clients: one trickling
// its request head is cut off, sockets over the cap are closed, it answers on 127.0.0.1 only,
// and the real callback still arrives and gets its page.
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { CALLBACK_PATH, listenForCallback } from '../../src/cli/oauth-callback-listener.js'
import type { CallbackListener } from '../../src/cli/oauth-callback-listener.js'

let listener: CallbackListener | undefined
afterEach(async () => {
  await listener?.close()
  listener = undefined
})

function rawSocket(port: number, host = '127.0.0.1') {
  const socket = connect(port, host)
  let received = ''
  let error: string | undefined
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (received += chunk))
  socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code))
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  const connected = new Promise<void>((resolve) => socket.on('connect', () => resolve()))
  return { socket, closed, connected, received: () => received, error: () => error }
}

function trickle(socket: Socket, text: string, everyMs: number): () => number {
  let sent = 0
  const timer = setInterval(() => {
    if (socket.destroyed || sent >= text.length) return clearInterval(timer)
    socket.write(text.charAt(sent++))
  }, everyMs)
  socket.on('close', () => clearInterval(timer))
  return () => sent
}

/** The browser's redirect: waits for the command's page. */
async function redirect(l: CallbackListener, query: string) {
  const res = await fetch(`http://127.0.0.1:${l.port}${CALLBACK_PATH}?${query}`)
  return { status: res.status, text: await res.text() }
}

describe('the OAuth callback listener', () => {
  it('cuts off a client trickling its headers, and still receives the real callback', async () => {
    listener = await listenForCallback(0, { headersTimeoutMs: 300, requestTimeoutMs: 600 })
    const head = `GET ${CALLBACK_PATH}?code=fake HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(300)}`
    const slow = rawSocket(listener.port)
    const sent = trickle(slow.socket, head, 30)
    await slow.closed
    expect(sent()).toBeLessThan(head.length)
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/)

    const browser = redirect(listener, 'code=abc&state=s1')
    const callback = await listener.callback
    expect(callback.query.get('code')).toBe('abc')
    callback.answer(200, 'Connected', 'You can close this window.')
    const page = await browser
    expect(page.status).toBe(200)
    expect(page.text).toContain('Connected')
  })

  it('closes sockets over its small cap while it waits', async () => {
    listener = await listenForCallback(0, { maxConnections: 2 })
    const held = [rawSocket(listener.port), rawSocket(listener.port)]
    await Promise.all(held.map((s) => s.connected))
    const extra = rawSocket(listener.port)
    await extra.closed
    expect(extra.received()).toBe('')
    for (const s of held) expect(s.socket.destroyed).toBe(false)
    // Once the greedy sockets go, the browser gets through (the listener may take a moment to
    // see them closed: a refused try is made again).
    for (const s of held) s.socket.destroy()
    await Promise.all(held.map((s) => s.closed))
    const l = listener
    const browser = (async () => {
      for (let tries = 1; ; tries++) {
        try {
          return await redirect(l, 'error=access_denied')
        } catch (err) {
          if (tries >= 20) throw err
          await new Promise((r) => setTimeout(r, 25))
        }
      }
    })()
    const callback = await listener.callback
    expect(callback.query.get('error')).toBe('access_denied')
    callback.answer(400, 'Not connected', 'Access was denied.')
    expect((await browser).status).toBe(400)
  })

  it('listens on 127.0.0.1 only', async () => {
    listener = await listenForCallback(0)
    // The IPv6 loopback is another address: nothing answers there on this port.
    const v6 = rawSocket(listener.port, '::1')
    await v6.closed
    expect(v6.error()).toMatch(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH/)
  })
})
