// Admin dashboard sessions as a contract: a random id (the cookie) maps to the user and a CSRF
// token. Memory today (memory-session-store.ts); Redis in a cluster, so any node serves a session.

export interface AdminSession {
  id: string
  user: string
  csrfToken: string
  /** Epoch ms. */
  createdAt: number
  /** Epoch ms of the last use (the idle clock). */
  lastSeenAt: number
}

export interface SessionStoreOptions {
  /** Absolute lifetime. Default 8 hours. */
  ttlMs?: number
  /** Ends a session nobody used for this long. Default 1 hour. */
  idleMs?: number
  /** Wall clock in epoch ms (tests drive it). Default Date.now. */
  now?: () => number
}

/**
 * Server-side sessions. What every backend must keep, a cluster one across nodes:
 * - **Ids and CSRF tokens are unguessable** (256 random bits each) and unrelated to each other.
 * - **Expiry**: a session ends at `ttlMs` after creation or `idleMs` after its last use, whichever
 *   comes first, by the store's clock; an ended session is never returned again (a backend may
 *   delete it lazily or by key expiry, but `get`/`touch` must not answer with it).
 * - **Visible everywhere at once**: a session created, touched or deleted on one node is seen so
 *   by the next call on any node (a sign-out on one node ends the session on all).
 * - `touch` restarts the idle clock and never extends the absolute lifetime.
 */
export interface SessionStore {
  /** Seconds a new session's cookie may live (the absolute lifetime). */
  readonly maxAgeSeconds: number
  create(user: string): Promise<AdminSession>
  /** The live session with this id, its idle clock untouched; undefined when none or ended. */
  get(id: string): Promise<AdminSession | undefined>
  /** The live session with this id, its idle clock restarted; undefined when none or ended. */
  touch(id: string): Promise<AdminSession | undefined>
  delete(id: string): Promise<void>
  /** Ends every session of `user` (after a password change). */
  deleteUser(user: string): Promise<void>
}
