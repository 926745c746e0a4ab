// For the demo and first start: makes sure an admin user exists with the given password.
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
