// A batch of decoded events as JSON and back, for dead letters: 64-bit numbers (BigInt) and
// bytes (replay ids) are tagged, so a retried dead letter hands the handler what it had the
// first time.
import type { PubSubEvent } from '../../salesforce/index.js'

export function eventsToJson(events: readonly PubSubEvent[]): string {
  return JSON.stringify(events, function (this: Record<string, unknown>, key, value: unknown) {
    // Buffer's own toJSON runs before the replacer: read the original from the holder.
    const raw = this[key]
    if (typeof raw === 'bigint') return { $bigint: raw.toString() }
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw).toString('base64') }
    return value
  })
}

export function eventsFromJson(json: string): PubSubEvent[] {
  return JSON.parse(json, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as Record<string, unknown>
      if (typeof v.$bigint === 'string' && Object.keys(v).length === 1) return BigInt(v.$bigint)
      if (typeof v.$bytes === 'string' && Object.keys(v).length === 1)
        return Buffer.from(v.$bytes, 'base64')
    }
    return value
  }) as PubSubEvent[]
}
