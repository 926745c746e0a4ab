// Types every part of the emulator shares.
export type * from './schema.js'
export type { OrgWriter, SaveResult, WriteContext, MultipleMatches } from './org-writer.js'
export { ApiError, type ApiErrorEntry } from './api-error.js'
export { MultipleMatchesError } from './multiple-matches-error.js'
