// Thrown by upsert and get-by-external-id when several records match (HTTP 300).
// Salesforce then answers an array of record URLs and writes nothing.

import { ApiError } from './api-error.js'
import type { MultipleMatches } from './org-writer.js'

export class MultipleMatchesError extends ApiError implements MultipleMatches {
  declare readonly status: 300
  readonly ids: string[]

  constructor(objectName: string, field: string, value: string, ids: string[]) {
    super(300, 'MULTIPLE_CHOICES', `${ids.length} ${objectName} records match ${field} = ${value}`)
    this.name = 'MultipleMatchesError'
    this.ids = ids
  }
}
