// The emulator's composite family: /composite, /composite/batch, /composite/tree and sObject
// Collections. Other emulator folders use the feature and the per-record error shape.
export { compositeFeature } from './composite-feature.js'
export { scalarText } from './scalar-text.js'
export { toRecordErrors, allOrNoneRolledBack, type RecordError } from './record-error.js'
