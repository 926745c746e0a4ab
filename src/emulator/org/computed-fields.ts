// The fields Salesforce computes on a write rather than taking them from the caller:
// auto-numbers (CaseNumber, ContractNumber, ...), a person's Name, compound addresses, a
// custom object's default Name; and the audit stamp every write carries.

import type { ObjectDef } from '../model/index.js'
import { applyComputedName } from './computed-name.js'
import { applyCompoundAddresses } from './compound-address.js'
import { formatDateTime } from './sf-datetime.js'

export class ComputedFields {
  /** Last auto-number given per `Object.Field`. */
  private readonly autoNumbers = new Map<string, number>()
  /** The last audit stamp made and its millisecond: rows written in the same one share it. */
  private lastStamp = { ms: NaN, text: '' }

  constructor(
    private readonly now: () => Date,
    /** The highest number stored in a field (0 when none), read once per field. */
    private readonly maxStored: (objectName: string, fieldName: string) => number,
  ) {}

  /** Sets the computed fields of a row; auto-numbers only when `creating`. */
  apply(obj: ObjectDef, row: Record<string, unknown>, creating: boolean): void {
    if (creating) {
      for (const f of obj.fields) if (f.autoNumber) row[f.name] = this.nextNumber(obj, f.name)
    }
    applyComputedName(obj, row)
    applyCompoundAddresses(obj, row)
  }

  /** The audit stamp of this moment; made once per millisecond, not once per row. */
  stamp(): string {
    const now = this.now()
    const ms = now.getTime()
    if (ms !== this.lastStamp.ms) this.lastStamp = { ms, text: formatDateTime(now) }
    return this.lastStamp.text
  }

  /** The next auto-number of `Object.Field` (00001001, ...), after the highest one stored. */
  private nextNumber(obj: ObjectDef, fieldName: string): string {
    const key = `${obj.name}.${fieldName}`
    let n = this.autoNumbers.get(key)
    n ??= Math.max(1000, this.maxStored(obj.name, fieldName))
    this.autoNumbers.set(key, ++n)
    return String(n).padStart(8, '0')
  }
}
