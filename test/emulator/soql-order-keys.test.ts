// ORDER BY keys as bytes (how the result store sorts a large selection on disk) order rows
// exactly as Salesforce's rule read in JavaScript: nulls first or last whatever the
// direction, DESC, several keys, text by UTF-16 code unit (as `<` compares), numbers with
// negatives, zero and fractions, booleans.
import { describe, expect, it } from 'vitest'
import { keyBytes } from '../../src/emulator/soql/order.js'

type Val = string | number | boolean | null
type Key = { desc: boolean; nullsFirst: boolean }

/** The rule, written plainly: the first key that differs decides. */
function expected(x: Val[], y: Val[], keys: Key[]): number {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const a = x[i] ?? null
    const b = y[i] ?? null
    if (a === b) continue
    if (a === null) return key.nullsFirst ? -1 : 1
    if (b === null) return key.nullsFirst ? 1 : -1
    const c = a < b ? -1 : 1
    return key.desc ? -c : c
  }
  return 0
}

/** A small deterministic generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Code units from every range of the encoding, surrogate halves and the highest included.
const UNITS = [
  0, 1, 0x20, 0x61, 0x7e, 0x7f, 0x80, 0xe9, 0x3f7e, 0x3f7f, 0xd83d, 0xde00, 0xfffd, 0xffff,
]
const NUMBERS = [-Infinity, -1e300, -2.5, -1, -0.1, -0, 0, 1e-300, 0.1, 1, 2.5, 1e300, Infinity]

function value(kind: number, next: () => number): Val {
  if (next() < 0.15) return null
  if (kind === 0) {
    const n = Math.floor(next() * 4)
    return String.fromCharCode(
      ...Array.from({ length: n }, () => UNITS[Math.floor(next() * UNITS.length)]!),
    )
  }
  if (kind === 1) return NUMBERS[Math.floor(next() * NUMBERS.length)]!
  return next() < 0.5
}

describe('ORDER BY keys as bytes', () => {
  it('compare as the ORDER BY rule does, for 20,000 random pairs of rows', () => {
    const next = random(42)
    for (let run = 0; run < 200; run++) {
      const width = 1 + Math.floor(next() * 3)
      const kinds = Array.from({ length: width }, () => Math.floor(next() * 3))
      const keys = kinds.map(() => ({ desc: next() < 0.5, nullsFirst: next() < 0.5 }))
      for (let pair = 0; pair < 100; pair++) {
        const x = kinds.map((k) => value(k, next))
        const y = next() < 0.3 ? [...x] : kinds.map((k) => value(k, next))
        const got = Math.sign(Buffer.compare(keyBytes(x, keys), keyBytes(y, keys)))
        if (got !== expected(x, y, keys)) expect({ x, y, keys, got }).toBe('the same order')
      }
    }
  })
})
