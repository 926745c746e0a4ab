// The soql tagged template and its value wrappers.
export { soql, escapeSoqlString, SoqlFragment } from './soql.js'
export type { LikeMatch, SoqlScalar, SoqlValue } from './soql.js'
export { checkId, checkName, checkFields } from './api-names.js'
