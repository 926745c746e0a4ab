// Platform events (`Name__e`) declared in the org file: their Avro schema, publishing from a
// REST body (POST /sobjects/Name__e) or a Publish call, delivery on /event/Name__e.

import { randomUUID } from 'node:crypto'
import { ApiError, type FieldType } from '../model/index.js'
import type { PlatformEventConfig } from '../org/org-file.js'
import { avroPrimitive } from './change-schema.js'
import { avroValue } from './avro-value.js'
import type { EventLog, LoggedEvent } from './event-log.js'
import type { RegisteredSchema, SchemaRegistry } from './schema-registry.js'

const TYPES: Record<string, FieldType> = {
  text: 'string',
  textarea: 'textarea',
  email: 'email',
  phone: 'phone',
  url: 'url',
  picklist: 'picklist',
  multipicklist: 'multipicklist',
  checkbox: 'boolean',
  number: 'double',
  currency: 'currency',
  percent: 'percent',
  date: 'date',
  datetime: 'datetime',
  lookup: 'reference',
}

interface EventDef {
  name: string
  topic: string
  schema: RegisteredSchema
  fields: { name: string; type: FieldType; required: boolean }[]
}

export class PlatformEvents {
  private readonly byName = new Map<string, EventDef>()

  constructor(
    private readonly log: EventLog,
    registry: SchemaRegistry,
    configs: readonly PlatformEventConfig[],
    private readonly now: () => Date,
  ) {
    for (const c of configs) {
      const fields = c.fields.map((f) => ({
        name: f.name,
        type: TYPES[f.type] ?? 'string',
        required: f.required,
      }))
      const schema = registry.register({
        type: 'record',
        name: c.name,
        namespace: 'com.sforce.eventbus',
        fields: [
          { name: 'CreatedDate', type: 'long' },
          { name: 'CreatedById', type: 'string' },
          ...fields.map((f) => ({
            name: f.name,
            type: ['null', avroPrimitive(f.type)],
            default: null,
          })),
        ],
      })
      const topic = `/event/${c.name}`
      log.define({ name: topic, schemaId: schema.id, canPublish: true })
      this.byName.set(c.name.toLowerCase(), { name: c.name, topic, schema, fields })
    }
  }

  /** The declared event of this API name (any case), or undefined. */
  find(name: string): EventDef | undefined {
    return this.byName.get(name.toLowerCase())
  }

  /** Publish from a REST body; throws ApiError as Salesforce refuses a bad record. */
  publishRecord(name: string, body: Record<string, unknown>, userId: string): LoggedEvent {
    const def = this.find(name)
    if (!def) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
    const record: Record<string, unknown> = {
      CreatedDate: BigInt(this.now().getTime()),
      CreatedById: userId,
    }
    for (const [key, value] of Object.entries(body)) {
      if (key === 'attributes') continue
      const f = def.fields.find((x) => x.name.toLowerCase() === key.toLowerCase())
      if (!f) {
        throw new ApiError(
          400,
          'INVALID_FIELD',
          `No such column '${key}' on sobject of type ${def.name}`,
        )
      }
      const converted = avroValue(f.type, value)
      if (typeof converted === 'number' && Number.isNaN(converted)) {
        throw new ApiError(
          400,
          'JSON_PARSER_ERROR',
          `Cannot deserialize instance of ${f.type} from ${JSON.stringify(value)} for ${f.name}`,
        )
      }
      record[f.name] = converted
    }
    const missing = def.fields.filter((f) => f.required && (record[f.name] ?? null) === null)
    if (missing.length > 0) {
      throw new ApiError(
        400,
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.map((f) => f.name).join(', ')}]`,
        missing.map((f) => f.name),
      )
    }
    for (const f of def.fields) record[f.name] ??= null
    return this.log.append([def.topic], {
      id: randomUUID(),
      schemaId: def.schema.id,
      payload: def.schema.type.toBuffer(record),
    })
  }

  /**
   * Publish an event already encoded by the caller (Publish, PublishStream). Salesforce does not
   * check the Avro of published events; the emulator does, so a broken producer shows up here.
   */
  publishEncoded(
    topic: string,
    event: { id: string; schemaId: string; payload: Buffer },
    registry: SchemaRegistry,
  ): LoggedEvent {
    const def = [...this.byName.values()].find((d) => d.topic === topic)
    if (!def) throw new Error(`topic ${topic} does not accept publishing`)
    const schema = registry.get(event.schemaId)
    if (!schema || schema.id !== def.schema.id)
      throw new Error(`schema id ${event.schemaId} is not the schema of ${topic}`)
    // Throws when the payload is not a whole record of the schema.
    schema.type.fromBuffer(event.payload)
    return this.log.append([topic], {
      id: event.id || randomUUID(),
      schemaId: schema.id,
      payload: event.payload,
    })
  }
}
