// Avro schemas by id. An id is derived from the schema's text, so the same schema keeps the
// same id across restarts and a changed one gets a new id (GetSchema answers both).

import { createHash } from 'node:crypto'
import type avro from 'avsc'
import { avroType } from './avro-types.js'

export interface RegisteredSchema {
  id: string
  json: string
  type: avro.Type
}

export class SchemaRegistry {
  private readonly byId = new Map<string, RegisteredSchema>()

  /** Register a schema (idempotent) and return it with its id. */
  register(schema: object): RegisteredSchema {
    const json = JSON.stringify(schema)
    // 22 base64url characters, the length of Salesforce's schema ids.
    const id = createHash('sha256').update(json).digest('base64url').slice(0, 22)
    let entry = this.byId.get(id)
    if (!entry) {
      entry = { id, json, type: avroType(schema) }
      this.byId.set(id, entry)
    }
    return entry
  }

  get(id: string): RegisteredSchema | undefined {
    return this.byId.get(id)
  }
}
