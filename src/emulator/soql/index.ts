// The emulator's SOQL and SOSL engine: pure functions over an OrgReader, used by the
// `/query`, `/queryAll`, `/search` and `/parameterizedSearch` endpoints.

export {
  runQuery,
  streamQuery,
  type QueryOptions,
  type QueryResult,
  type QueryStream,
} from './run-query.js'
export {
  runSearch,
  runParameterizedSearch,
  type SearchOptions,
  type SearchResult,
} from './run-search.js'
export { queryColumns, type QueryColumns, type ColumnMetadata } from './query-columns.js'
export { explainQuery, type QueryPlan } from './explain-query.js'
