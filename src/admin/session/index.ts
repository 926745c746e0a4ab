// Signing in to the admin: sessions, the sign-in limiter, the routes and form that use them, and
// the first admin user.
export { authenticate, sessionOf } from './admin-auth.js'
export { sessionRoutes } from './session-routes.js'
export { SessionStore, type AdminSession, type SessionStoreOptions } from './session-store.js'
export { SignInLimiter, type SignInLimiterOptions } from './sign-in-limiter.js'
export { signInForm } from './sign-in-form.js'
export { ensureAdminUser, firstAdminUser, type FirstAdminUser } from './ensure-admin-user.js'
