// Salesforce's encoding of changedFields, nulledFields and diffFields (pubsub-api.md, "Field
// bitmaps"): `0xHEX` with bit i for the schema's i-th top-level field (the header is 0), then
// `P-0xHEX` for the parts of the compound field at position P. Upper-case hex, even digits.

import type { ChangeLayout } from './change-schema.js'

function hex(bits: bigint): string {
  const digits = bits.toString(16).toUpperCase()
  return `0x${digits.length % 2 === 1 ? `0${digits}` : digits}`
}

/** The bitmap entries naming the given record columns (`BillingCity` is BillingAddress.City). */
export function encodeFieldBitmap(layout: ChangeLayout, columns: ReadonlySet<string>): string[] {
  if (columns.size === 0) return []
  let top = 0n
  const nested: string[] = []
  layout.fields.forEach((f, i) => {
    const position = i + 1
    if ('parts' in f) {
      let bits = 0n
      f.parts.forEach((p, j) => {
        if (columns.has(p.column)) bits |= 1n << BigInt(j)
      })
      if (bits !== 0n) nested.push(`${position}-${hex(bits)}`)
    } else if (columns.has(f.column)) {
      top |= 1n << BigInt(position)
    }
  })
  return top === 0n ? nested : [hex(top), ...nested]
}
