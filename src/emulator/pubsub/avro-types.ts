// Avro types as the Pub/Sub API writes them: longs as BigInt, so a commitNumber past 2^53
// stays exact (pubsub-api.md, "Change events"), and a cache of compiled types by schema id.

import avro from 'avsc'

/** Avro `long` read and written as BigInt; numbers that are safe integers are accepted too. */
const bigintLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const buf = Buffer.alloc(8)
    buf.writeBigInt64LE(BigInt(n))
    return buf
  },
  fromJSON: (n: number | string) => BigInt(n),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) =>
    typeof n === 'bigint' || (typeof n === 'number' && Number.isSafeInteger(n)),
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
})

/** Compile an Avro schema (a record) with BigInt longs. */
export function avroType(schema: object): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { registry: { long: bigintLong } })
}
