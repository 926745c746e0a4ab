// Expands the field bitmaps of a ChangeEventHeader (changedFields, nulledFields, diffFields) to
// field names. Salesforce's encoding: a first entry `0xHEX` whose bit i names the schema's i-th
// top-level field; entries `P-0xHEX` name the parts of the compound field at position P.

import type { AvroType } from './avro-codec.js'

interface RecordLike {
  fields: { name: string; type: AvroType }[]
}

function recordOf(type: AvroType): RecordLike | undefined {
  if (type.typeName === 'record') return type as unknown as RecordLike
  // A nullable union: the record inside it.
  const inner = (type as unknown as { types?: AvroType[] }).types
  const found = inner?.find((t) => t.typeName === 'record')
  return found as unknown as RecordLike | undefined
}

function setBits(hex: string): number[] {
  const bits: number[] = []
  let value = BigInt(hex)
  for (let i = 0; value > 0n; i++, value >>= 1n) if (value & 1n) bits.push(i)
  return bits
}

/** Field names (`Name`, `BillingAddress.City`) of a bitmap; entries that are names stay as they are. */
export function expandBitmap(schema: AvroType, entries: readonly string[]): string[] {
  const top = recordOf(schema)
  if (!top) return [...entries]
  const out: string[] = []
  for (const entry of entries) {
    const nested = /^(\d+)-(0x[0-9a-fA-F]+)$/.exec(entry)
    if (nested) {
      const parent = top.fields[Number(nested[1])]
      const record = parent && recordOf(parent.type)
      if (!parent || !record) continue
      for (const bit of setBits(nested[2]!)) {
        const child = record.fields[bit]
        if (child) out.push(`${parent.name}.${child.name}`)
      }
    } else if (/^0x[0-9a-fA-F]+$/.test(entry)) {
      for (const bit of setBits(entry)) {
        const f = top.fields[bit]
        if (f) out.push(f.name)
      }
    } else {
      out.push(entry)
    }
  }
  return out
}
