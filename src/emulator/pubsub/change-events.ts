// Change Data Capture: turns the rows each committed transaction wrote into change events on
// /data/<Entity>ChangeEvent and /data/ChangeEvents, with the ChangeEventHeader Salesforce
// sends and the field bitmaps in its encoding (pubsub-api.md, "Change events").

import { randomUUID } from 'node:crypto'
import type { ObjectDef, RecordRow } from '../model/index.js'
import type { RowChange } from '../org/org-store.js'
import { avroValue } from './avro-value.js'
import { changeEventName, changeLayout, type ChangeLayout } from './change-schema.js'
import type { EventLog } from './event-log.js'
import { encodeFieldBitmap } from './field-bitmap.js'
import type { RegisteredSchema, SchemaRegistry } from './schema-registry.js'

type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE' | 'GAP_OVERFLOW'

interface Entity {
  layout: ChangeLayout
  schema: RegisteredSchema
  topics: string[]
}

export const ALL_CHANGES_TOPIC = '/data/ChangeEvents'

export interface ChangeEventOptions {
  /** Changes of one entity in one transaction past which one GAP_OVERFLOW stands for the rest. Default 100,000. */
  overflowThreshold?: number
  /** Fault injection: true when the next change goes out as a gap event (header only). */
  gap?: () => boolean
}

export class ChangeEvents {
  private readonly entities = new Map<string, Entity>()
  /** Commit numbers past 2^53, as a busy org's are: a client that rounds them shows it. */
  private commitNumber = 2n ** 53n + 1n
  private readonly overflowThreshold: number
  private readonly gap: () => boolean

  constructor(
    private readonly log: EventLog,
    registry: SchemaRegistry,
    objects: readonly ObjectDef[],
    private readonly now: () => Date,
    options: ChangeEventOptions = {},
  ) {
    this.overflowThreshold = options.overflowThreshold ?? 100_000
    this.gap = options.gap ?? (() => false)
    log.define({ name: ALL_CHANGES_TOPIC, schemaId: '', canPublish: false })
    for (const obj of objects) {
      const layout = changeLayout(obj)
      const schema = registry.register(layout.schema)
      const topic = `/data/${changeEventName(obj.name)}`
      log.define({ name: topic, schemaId: schema.id, canPublish: false })
      this.entities.set(obj.name, { layout, schema, topics: [topic, ALL_CHANGES_TOPIC] })
    }
  }

  /** The listener of OrgStore.onCommit: one transaction's writes, in order. */
  readonly onCommit = (changes: readonly RowChange[]): void => {
    const transactionKey = randomUUID()
    const commitNumber = this.commitNumber++
    const commitTimestamp = BigInt(this.now().getTime())
    const perEntity = new Map<string, number>()
    const overflowed = new Set<string>()
    let sequence = 0
    for (const change of changes) {
      const entity = this.entities.get(change.objectName)
      if (!entity) continue
      const type = changeType(change.before, change.after)
      if (!type) continue
      const count = (perEntity.get(change.objectName) ?? 0) + 1
      perEntity.set(change.objectName, count)
      if (count > this.overflowThreshold) {
        // Salesforce sends one GAP_OVERFLOW per entity, without ids, past the threshold.
        if (overflowed.has(change.objectName)) continue
        overflowed.add(change.objectName)
      }
      const row = (change.after ?? change.before)!
      const overflow = count > this.overflowThreshold
      // A gap event names the record and the change but carries no fields (re-read them).
      const gap = !overflow && this.gap()
      const header = {
        entityName: change.objectName,
        recordIds: overflow ? [] : [row.Id],
        changeType: overflow ? 'GAP_OVERFLOW' : gap ? `GAP_${type}` : type,
        changeOrigin: '',
        transactionKey,
        sequenceNumber: ++sequence,
        commitTimestamp,
        commitNumber,
        commitUser: typeof row.LastModifiedById === 'string' ? row.LastModifiedById : '',
        nulledFields: [] as string[],
        diffFields: [] as string[],
        changedFields: [] as string[],
      }
      const body = overflow || gap ? {} : this.body(entity.layout, type, change, header)
      const payload = entity.schema.type.toBuffer({ ChangeEventHeader: header, ...body })
      this.log.append(entity.topics, { id: randomUUID(), schemaId: entity.schema.id, payload })
    }
  }

  /** The fields the event carries, filling the header's bitmaps for an update. */
  private body(
    layout: ChangeLayout,
    type: ChangeType,
    change: RowChange,
    header: { nulledFields: string[]; changedFields: string[] },
  ): Record<string, unknown> {
    if (type === 'DELETE') return {}
    const after = change.after!
    let carried: ((column: string) => boolean) | undefined
    if (type === 'UPDATE') {
      // An update carries only what changed, LastModifiedDate included; the rest is null.
      const before = change.before!
      const changed = new Set<string>()
      const nulled = new Set<string>()
      for (const column of Object.keys(after)) {
        if (before[column] === after[column]) continue
        changed.add(column)
        if (after[column] === null || after[column] === undefined) nulled.add(column)
      }
      header.changedFields = encodeFieldBitmap(layout, changed)
      header.nulledFields = encodeFieldBitmap(layout, nulled)
      carried = (column) => changed.has(column)
    }
    const out: Record<string, unknown> = {}
    for (const f of layout.fields) {
      if ('parts' in f) {
        const parts = f.parts.filter((p) => (carried ? carried(p.column) : true))
        const record: Record<string, unknown> = {}
        let any = false
        for (const p of f.parts) record[p.name] = null
        for (const p of parts) {
          record[p.name] = avroValue(p.type, after[p.column])
          any ||= record[p.name] !== null
        }
        if (any) out[f.name] = record
      } else if (!carried || carried(f.column)) {
        out[f.name] = avroValue(f.type, after[f.column])
      }
    }
    return out
  }
}

const live = (r: RecordRow | undefined): boolean => r !== undefined && !r.IsDeleted

function changeType(
  before: RecordRow | undefined,
  after: RecordRow | undefined,
): ChangeType | undefined {
  if (!live(before) && live(after)) return before ? 'UNDELETE' : 'CREATE'
  if (live(before) && !live(after)) return 'DELETE'
  if (live(before) && live(after)) return 'UPDATE'
  return undefined
}
