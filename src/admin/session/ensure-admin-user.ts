// For the demo and first start: makes sure an admin user exists, so someone can sign in.
import type { Store } from '../../store/index.js'

/**
 * Creates admin user `name` with `password`, or resets the password of the existing one, and
 * records it in the audit log (without the password).
 *
 * @example
 * await ensureAdminUser(store, 'admin', password)
 * console.log(`Dashboard: ${url}/admin  user: admin  password: ${password}`)
 */
export async function ensureAdminUser(store: Store, name: string, password: string): Promise<void> {
  const existed = await store.adminUsers.find(name)
  if (existed && (await store.adminUsers.verify(name, password))) return
  const user = await store.adminUsers.setPassword(name, password)
  await store.audit.record({
    actor: 'system',
    action: existed ? 'admin_user.password_reset' : 'admin_user.create',
    target: user.name,
  })
}

/** What `firstAdminUser` found or did. */
export type FirstAdminUser =
  { state: 'created'; name: string } | { state: 'exists'; count: number } | { state: 'none' }

/**
 * At a server's start: creates the first admin user from `first` (FORCEBRIDGE_ADMIN_PASSWORD)
 * when there is no admin user at all. It never changes an existing user, so an operator's later
 * `admin user passwd` is not undone by a restart with the variable still set.
 */
export async function firstAdminUser(
  store: Store,
  first: { name: string; password: string } | undefined,
): Promise<FirstAdminUser> {
  const count = (await store.adminUsers.list()).length
  if (count > 0) return { state: 'exists', count }
  if (!first) return { state: 'none' }
  const user = await store.adminUsers.setPassword(first.name, first.password)
  await store.audit.record({
    actor: 'system',
    action: 'admin_user.create',
    target: user.name,
    detail: { from: 'FORCEBRIDGE_ADMIN_PASSWORD' },
  })
  return { state: 'created', name: user.name }
}
