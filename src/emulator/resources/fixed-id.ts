// Ids of the metadata the emulator makes up (layouts, list views, quick actions, approval
// processes): the same on every start, from the key prefix and a number, in an `EM0` pod
// that generated record ids never use.

import { idChecksum } from '../ids/record-id.js'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** e.g. `fixedId('00h', 3)` → `00hEM0000000003` + checksum. */
export function fixedId(keyPrefix: string, n: number): string {
  let counter = ''
  let rest = n
  for (let i = 0; i < 9; i++) {
    counter = BASE62[rest % 62]! + counter
    rest = Math.floor(rest / 62)
  }
  const id15 = `${keyPrefix}EM0${counter}`
  return id15 + idChecksum(id15)
}

/** A stable number for an object (its place in the schema) to build ids from. */
export function objectIndex(objects: readonly { name: string }[], name: string): number {
  return objects.findIndex((o) => o.name === name) + 1
}
