// The audit log, as a dashboard page.
export { auditPage } from './audit-page.js'
