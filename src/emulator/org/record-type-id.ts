// Ids of the record types the org file declares. They must stay the same across restarts
// (records keep their RecordTypeId), so they come from the declaration order, not the
// id generator; the `RT0` pod keeps them apart from generated `012000...` ids.

import { idChecksum } from '../ids/record-id.js'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** The id of the n-th declared record type (0-based), e.g. `012RT0000000001AAA`. */
export function recordTypeId(n: number): string {
  let counter = ''
  let rest = n + 1
  for (let i = 0; i < 9; i++) {
    counter = BASE62[rest % 62]! + counter
    rest = Math.floor(rest / 62)
  }
  const id15 = `012RT0${counter}`
  return id15 + idChecksum(id15)
}
