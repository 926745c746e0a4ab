// The emulator's SOQL and SOSL engine: pure functions over an OrgReader, used by the
// `/query`, `/queryAll`, `/search` and `/parameterizedSearch` endpoints.

export { runQuery, type QueryOptions, type QueryResult } from './run-query.js'
export {
  runSearch,
  runParameterizedSearch,
  type SearchOptions,
  type SearchResult,
} from './run-search.js'
