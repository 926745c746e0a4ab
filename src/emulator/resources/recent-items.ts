// The most recently used records per user (Salesforce's MRU list), for `/recent` and the
// `recentItems` of an object's basic information: the emulator adds a record when the API
// retrieves it by id, as a record page view would.

import type { ObjectDef, RecordRow } from '../model/index.js'

/** Salesforce keeps about 200 entries per user in the MRU list. */
const MAX_ITEMS = 200

export interface RecentItem {
  objectName: string
  id: string
}

export class RecentItems {
  private readonly byUser = new Map<string, RecentItem[]>()

  /** Moves the record to the front of the user's list. */
  touch(userId: string, obj: ObjectDef, row: RecordRow): void {
    const list = (this.byUser.get(userId) ?? []).filter((r) => r.id !== row.Id)
    list.unshift({ objectName: obj.name, id: row.Id })
    this.byUser.set(userId, list.slice(0, MAX_ITEMS))
  }

  /** The user's items, most recent first. */
  list(userId: string): readonly RecentItem[] {
    return this.byUser.get(userId) ?? []
  }
}
