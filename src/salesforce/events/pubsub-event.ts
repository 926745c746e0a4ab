// What a subscriber receives: the decoded payload, the replay id as bytes, and for change events
// the header with its field bitmaps expanded to names, gap and overflow events marked.

import type { AvroType } from './avro-codec.js'
import { expandBitmap } from './field-bitmap.js'
import type { ConsumerEventMessage } from './pubsub-stub.js'

/** `change` a CDC event, `gap` a GAP_* change (re-read the records), `overflow` a GAP_OVERFLOW. */
export type PubSubEventKind = 'event' | 'change' | 'gap' | 'overflow'

/** The ChangeEventHeader of a change event; 64-bit numbers as BigInt. */
export interface ChangeEventHeader {
  entityName: string
  recordIds: string[]
  /** CREATE, UPDATE, DELETE, UNDELETE, GAP_CREATE, ..., GAP_OVERFLOW. */
  changeType: string
  changeOrigin: string
  transactionKey: string
  sequenceNumber: number
  /** Epoch milliseconds. */
  commitTimestamp: bigint
  /** Exact: it can exceed 2^53. */
  commitNumber: bigint
  commitUser: string
  /** Field names, compound parts as `BillingAddress.City` (expanded from Salesforce's bitmaps). */
  changedFields: string[]
  nulledFields: string[]
  diffFields: string[]
}

export interface PubSubEvent<T = Record<string, unknown>> {
  topic: string
  /** Opaque bytes: store them as they are to resume after this event. */
  replayId: Buffer
  /** The event's uuid. */
  id: string
  schemaId: string
  /** The Avro record; longs (dates, datetimes, commit numbers) as BigInt, unions unwrapped. */
  payload: T
  kind: PubSubEventKind
  /** Change events only: the header, bitmaps expanded. */
  change?: ChangeEventHeader
}

interface RawHeader extends Omit<
  ChangeEventHeader,
  'changedFields' | 'nulledFields' | 'diffFields'
> {
  changedFields: string[]
  nulledFields: string[]
  diffFields: string[]
}

export function decodeEvent(
  topic: string,
  message: ConsumerEventMessage,
  type: AvroType,
): PubSubEvent {
  const payload = type.fromBuffer(message.event.payload) as Record<string, unknown>
  const raw = payload.ChangeEventHeader as RawHeader | undefined
  const event: PubSubEvent = {
    topic,
    replayId: message.replay_id,
    id: message.event.id,
    schemaId: message.event.schema_id,
    payload,
    kind: 'event',
  }
  if (raw && typeof raw === 'object') {
    event.change = {
      ...raw,
      changedFields: expandBitmap(type, raw.changedFields),
      nulledFields: expandBitmap(type, raw.nulledFields),
      diffFields: expandBitmap(type, raw.diffFields),
    }
    event.kind =
      raw.changeType === 'GAP_OVERFLOW'
        ? 'overflow'
        : raw.changeType.startsWith('GAP_')
          ? 'gap'
          : 'change'
  }
  return event
}
