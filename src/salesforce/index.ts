// The public face of the Salesforce client library (forcebridge/salesforce): a plain list of exports.
export { soql, escapeSoqlString, SoqlFragment } from './soql/index.js'
export type { SoqlScalar, SoqlValue } from './soql/index.js'
export { query, queryAll, QueryIterator } from './query/index.js'
export type { QueryPage, QueryOptions, CollectOptions } from './query/index.js'
