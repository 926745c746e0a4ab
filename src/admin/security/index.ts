// Security definitions in the admin (API keys, Basic, JWT): their API actions and their pages.
export {
  createSecurity,
  deleteSecurity,
  getSecurity,
  listSecurity,
  updateSecurity,
} from './security-actions.js'
export { securityEdit, securityForm, securityTable } from './security-pages.js'
