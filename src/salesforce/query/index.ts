// SOQL queries as async iterables with backpressure.
export { query, queryAll, QueryIterator } from './query.js'
export type { QueryPage, QueryOptions, CollectOptions } from './query.js'
