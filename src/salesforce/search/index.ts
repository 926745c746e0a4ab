// SOSL search and parameterized search.
export { search, parameterizedSearch, parameterizedSearchSchema } from './search.js'
export type { ParameterizedSearchParams } from './search.js'
