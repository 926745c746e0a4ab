// Capability tokens for the status URL of an asynchronous channel call: the token of a job is
// base64url(HMAC-SHA256(job id)) under a random key of this store. Whoever holds the URL may read
// that one job's status, and nothing else; no channel credential is needed. Why not the channel's
// credential: a job does not record its channel, and a partner handed the status URL should not
// need the API key that started the work.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Store } from '../../store/index.js'

/** Setting that holds the key (sealed, like every secret setting). */
export const STATUS_KEY_SETTING = 'async-status-key'

export class JobStatusTokens {
  readonly #settings: Store['settings']
  #key: Promise<Buffer> | undefined

  constructor(settings: Store['settings']) {
    this.#settings = settings
  }

  /** The token of `jobId`. */
  async sign(jobId: string): Promise<string> {
    return mac(await this.#loadKey(), jobId)
  }

  /** Whether `token` is the token of `jobId`, compared in constant time. */
  async verify(jobId: string, token: string): Promise<boolean> {
    const expected = Buffer.from(mac(await this.#loadKey(), jobId))
    const given = Buffer.from(token)
    // Only the (fixed, public) length can differ in time.
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  /** Read once per process and kept: asynchronous calls cost no store read after the first. */
  #loadKey(): Promise<Buffer> {
    this.#key ??= this.#readOrCreate().catch((err: unknown) => {
      // A failed read is not kept: the next call tries again.
      this.#key = undefined
      throw err
    })
    return this.#key
  }

  async #readOrCreate(): Promise<Buffer> {
    // Of two processes creating the key at once, both end up with the one written first.
    const key = await this.#settings.getOrCreate(
      STATUS_KEY_SETTING,
      randomBytes(32).toString('base64url'),
      { secret: true },
    )
    return Buffer.from(key, 'base64url')
  }
}

function mac(key: Buffer, jobId: string): string {
  return createHmac('sha256', key).update(jobId).digest('base64url')
}
