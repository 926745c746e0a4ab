// The composite family: /composite, /composite/batch and /composite/tree.
export { composite, dataPath } from './composite.js'
export type {
  CompositeRequest,
  CompositeSubrequest,
  CompositeResult,
  CompositeSubresult,
} from './composite.js'
export { compositeBatch } from './composite-batch.js'
export type {
  BatchRequest,
  BatchSubrequest,
  BatchResult,
  BatchSubresult,
} from './composite-batch.js'
export { compositeTree } from './composite-tree.js'
export type { TreeRecord, TreeResult } from './composite-tree.js'
