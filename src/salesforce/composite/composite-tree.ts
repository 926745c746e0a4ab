// `/composite/tree/{Type}`: up to 200 related records created in one all-or-nothing call
// (salesforce-api.md §4.3). A failure answers 400 with per-record errors, returned here as data.

import { ForcebridgeError, foreignCodeOr } from '../../util/index.js'
import { toRecordError, type RecordError } from '../collections/index.js'
import { checkName } from '../soql/index.js'
import type { Requester } from '../requester.js'

/** A record with its `referenceId`; child relationships hold `{ records: TreeRecord[] }`. */
export interface TreeRecord {
  attributes: { type: string; referenceId: string }
  [field: string]: unknown
}

export interface TreeResult {
  ok: boolean
  /** Success: one entry per record with its id. Failure: the failing records with errors. */
  results: Array<{ referenceId: string; id?: string; errors: RecordError[] }>
}

const MAX_RECORDS = 200

function walk(records: readonly TreeRecord[], seen: Set<string>, depth: number): number {
  if (depth > 5)
    throw new ForcebridgeError('INVALID_INPUT', 'compositeTree: trees may be at most 5 levels deep')
  let count = 0
  for (const record of records) {
    const ref = record?.attributes?.referenceId
    if (!record?.attributes?.type || !ref) {
      throw new ForcebridgeError(
        'INVALID_INPUT',
        'compositeTree: every record needs attributes.type and attributes.referenceId',
      )
    }
    if (seen.has(ref))
      throw new ForcebridgeError('INVALID_INPUT', `compositeTree: referenceId ${ref} is used twice`)
    seen.add(ref)
    count++
    for (const value of Object.values(record)) {
      const children = (value as { records?: unknown } | null)?.records
      if (value !== record.attributes && Array.isArray(children))
        count += walk(children as TreeRecord[], seen, depth + 1)
    }
  }
  return count
}

export async function compositeTree(
  requester: Requester,
  type: string,
  records: readonly TreeRecord[],
): Promise<TreeResult> {
  checkName('compositeTree type', type)
  const total = walk(records, new Set(), 1)
  if (total === 0 || total > MAX_RECORDS) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `compositeTree: ${total} records; Salesforce takes 1 to ${MAX_RECORDS} per call`,
    )
  }
  const res = await requester.request<unknown>({
    method: 'POST',
    path: `composite/tree/${type}`,
    body: { records },
    acceptStatuses: [400],
  })
  const body = res.body as
    | {
        hasErrors?: boolean
        results?: Array<{ referenceId: string; id?: string; errors?: unknown[] }>
      }
    | unknown[]
  if (Array.isArray(body) || !Array.isArray(body?.results)) {
    // A 400 that is not a tree result (malformed JSON, unknown type) is an ordinary API error.
    const first = (Array.isArray(body) ? body[0] : undefined) as
      { errorCode?: string; message?: string } | undefined
    throw new ForcebridgeError(
      foreignCodeOr(first?.errorCode, 'UNEXPECTED_RESPONSE'),
      `compositeTree ${type}: Salesforce answered ${res.status}: ${first?.message ?? 'no tree results'}`,
    )
  }
  return {
    ok: res.status < 300 && body.hasErrors !== true,
    results: body.results.map((r) => {
      const out: TreeResult['results'][number] = {
        referenceId: r.referenceId,
        errors: (r.errors ?? []).map((e) =>
          toRecordError(e as Parameters<typeof toRecordError>[0]),
        ),
      }
      if (r.id) out.id = r.id
      return out
    }),
  }
}
