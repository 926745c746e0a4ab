// Salesforce record ids: 15-character case-sensitive base-62 ids and their 18-character
// case-insensitive form (salesforce-api.md §2.6), and a generator of new ones.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
const ID_PATTERN = /^[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?$/

/** The three checksum characters of a 15-character id (§2.6, verified on real ids). */
export function idChecksum(id15: string): string {
  let out = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i)
      if (c >= 65 && c <= 90) bits |= 1 << i
    }
    out += CHECKSUM_ALPHABET[bits]
  }
  return out
}

/** True for a well-formed 15- or 18-character id (an 18-character one must have its checksum). */
export function isRecordId(value: string): boolean {
  if (!ID_PATTERN.test(value)) return false
  if (value.length === 15) return true
  return idChecksum(value.slice(0, 15)) === value.slice(15).toUpperCase()
}

/**
 * The 18-character form of a 15- or 18-character id, or undefined when it is not an id.
 * Salesforce accepts either form in paths and bodies and always answers with 18.
 */
export function toId18(value: string): string | undefined {
  if (!isRecordId(value)) return undefined
  const id15 = value.slice(0, 15)
  return id15 + idChecksum(id15)
}

function toBase62(n: number, width: number): string {
  let out = ''
  let rest = n
  for (let i = 0; i < width; i++) {
    out = BASE62[rest % 62]! + out
    rest = Math.floor(rest / 62)
  }
  return out
}

function fromBase62(text: string): number {
  let n = 0
  for (const c of text) n = n * 62 + BASE62.indexOf(c)
  return n
}

/**
 * New ids: key prefix + pod `000` + a 9-character base-62 counter per prefix + checksum.
 * The counter resumes after the highest id it has seen, so a restart never reuses an id.
 */
export class IdGenerator {
  private readonly counters = new Map<string, number>()

  next(keyPrefix: string): string {
    const n = (this.counters.get(keyPrefix) ?? 0) + 1
    this.counters.set(keyPrefix, n)
    const id15 = keyPrefix + '000' + toBase62(n, 9)
    return id15 + idChecksum(id15)
  }

  /** Remember an existing id (loaded from disk) so that later ids come after it. */
  observe(id: string): void {
    if (!isRecordId(id) || id.slice(3, 6) !== '000') return
    const prefix = id.slice(0, 3)
    const n = fromBase62(id.slice(6, 15))
    if (n > (this.counters.get(prefix) ?? 0)) this.counters.set(prefix, n)
  }
}
