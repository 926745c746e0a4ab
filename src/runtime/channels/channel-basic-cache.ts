// Remembers HTTP Basic credentials that verified recently, so a caller sending the same username
// and password on every request pays scrypt (~50-100 ms, 32 MiB) once a minute, not per request.
// Entries are keyed by an HMAC of definition id, username and password under a random key made
// per process, so the cache holds nothing a memory dump could turn back into a password. It is
// bounded and short-lived, and one cache belongs to one definition at one store revision: a
// changed password builds a new checker with an empty cache.
// Failures are never remembered: every wrong guess costs a full scrypt. Concurrent checks of the
// exact same credential share one scrypt; that tells a caller nothing it would not learn anyway.
import { createHmac, randomBytes } from 'node:crypto'

/** A remembered success lasts this long. */
const TTL_MS = 60_000
/** At most this many remembered credentials per definition; the oldest go first. */
const MAX_ENTRIES = 1000

const PROCESS_KEY = randomBytes(32)

/**
 * scrypt runs on libuv's thread pool (4 threads by default), which file access, DNS and other
 * crypto share. A flood of wrong Basic passwords would otherwise fill it and stall everything:
 * at most this many checks run at once, process-wide, and at most QUEUE_LIMIT wait.
 */
const CONCURRENT_CHECKS = 2
const QUEUE_LIMIT = 64

/** Thrown when too many Basic checks are already waiting; the caller answers 503. */
export class BasicCheckBusyError extends Error {
  constructor() {
    super('too many HTTP Basic checks are waiting; try again shortly')
  }
}

let running = 0
const waiting: (() => void)[] = []

async function gated<T>(work: () => Promise<T>): Promise<T> {
  if (running < CONCURRENT_CHECKS) running++
  else if (waiting.length >= QUEUE_LIMIT) throw new BasicCheckBusyError()
  // A finishing check hands its slot straight to the first waiter, so none is taken twice.
  else await new Promise<void>((resolve) => waiting.push(resolve))
  try {
    return await work()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else running--
  }
}

export class BasicCredentialCache {
  readonly #id: string
  /** HMAC → when the success stops counting (ms since epoch); Map order is insertion order. */
  readonly #verified = new Map<string, number>()
  readonly #pending = new Map<string, Promise<boolean>>()

  constructor(definitionId: string) {
    this.#id = definitionId
  }

  /** True when `user`/`pass` verified within the TTL, else runs `verify` and remembers a success. */
  verify(
    user: string,
    pass: string,
    verify: (user: string, pass: string) => Promise<boolean>,
  ): Promise<boolean> {
    const key = createHmac('sha256', PROCESS_KEY)
      .update(this.#id)
      .update('\0')
      .update(user)
      .update('\0')
      .update(pass)
      .digest('base64')
    const until = this.#verified.get(key)
    if (until !== undefined) {
      if (until > Date.now()) return Promise.resolve(true)
      this.#verified.delete(key)
    }
    let pending = this.#pending.get(key)
    if (!pending) {
      pending = gated(() => verify(user, pass))
        .then((ok) => {
          if (ok) this.#remember(key)
          return ok
        })
        .finally(() => this.#pending.delete(key))
      this.#pending.set(key, pending)
    }
    return pending
  }

  #remember(key: string): void {
    this.#verified.delete(key)
    this.#verified.set(key, Date.now() + TTL_MS)
    while (this.#verified.size > MAX_ENTRIES) {
      const oldest = this.#verified.keys().next().value
      if (oldest === undefined) break
      this.#verified.delete(oldest)
    }
  }
}
