// Avro payloads of the Pub/Sub API: types compiled from GetSchema's JSON with longs as BigInt
// (commitNumber can exceed 2^53), cached by schema id with one GetSchema in flight per id.

import avro from 'avsc'

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

export type AvroType = avro.Type

export class SchemaCache {
  private readonly types = new Map<string, Promise<AvroType>>()

  constructor(private readonly fetchSchema: (schemaId: string) => Promise<string>) {}

  /** The compiled type of a schema id; concurrent callers share one GetSchema. */
  get(schemaId: string): Promise<AvroType> {
    let type = this.types.get(schemaId)
    if (!type) {
      type = this.fetchSchema(schemaId).then((json) =>
        avro.Type.forSchema(JSON.parse(json) as avro.Schema, { registry: { long: bigintLong } }),
      )
      // A failed fetch is not cached: the next event asks again.
      type.catch(() => this.types.delete(schemaId))
      this.types.set(schemaId, type)
    }
    return type
  }
}
