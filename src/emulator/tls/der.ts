// The few DER (ASN.1) encodings an X.509 certificate needs: node:crypto signs and verifies
// certificates but cannot build one, and the emulator adds no package for it.

/** A tag-length-value item. */
export function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length
  if (n < 0x80) return Buffer.concat([Buffer.from([tag, n]), content])
  const len: number[] = []
  for (let rest = n; rest > 0; rest >>= 8) len.unshift(rest & 0xff)
  return Buffer.concat([Buffer.from([tag, 0x80 | len.length, ...len]), content])
}

export const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items))
export const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items))
export const octets = (bytes: Buffer) => tlv(0x04, bytes)
export const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'))
export const TRUE = tlv(0x01, Buffer.from([0xff]))
/** `[n] EXPLICIT` around an item. */
export const explicit = (n: number, item: Buffer) => tlv(0xa0 + n, item)

/** A non-negative INTEGER from big-endian bytes. */
export function integer(bytes: Buffer): Buffer {
  let i = 0
  while (i < bytes.length - 1 && bytes[i] === 0) i++
  const trimmed = bytes.subarray(i)
  return tlv(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed)
}

/** A BIT STRING with `unusedBits` zero bits at the end of the last byte. */
export const bitString = (bytes: Buffer, unusedBits = 0) =>
  tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]))

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number)
  const out = [a! * 40 + b!]
  for (const n of rest) {
    const groups: number[] = []
    for (let v = n; ; v = Math.floor(v / 128)) {
      groups.unshift(v % 128)
      if (v < 128) break
    }
    out.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)))
  }
  return tlv(0x06, Buffer.from(out))
}

/** UTCTime through 2049, GeneralizedTime after, as RFC 5280 §4.1.2.5 asks. */
export function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(iso.slice(2)))
    : tlv(0x18, Buffer.from(iso))
}
