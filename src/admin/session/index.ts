// Signing in to the admin: the routes and form that use the sessions and the sign-in limiter
// (their contracts and stores live in runtime/shared-state), and the first admin user.
export {
  authenticate,
  authSources,
  liveSession,
  sessionOf,
  type AuthSources,
} from './admin-auth.js'
export { sessionRoutes } from './session-routes.js'
export { signInForm } from './sign-in-form.js'
export { ensureAdminUser, firstAdminUser, type FirstAdminUser } from './ensure-admin-user.js'
export {
  listLockouts,
  lockoutRoutes,
  lockoutSection,
  type LockoutView,
} from './sign-in-lockouts.js'
