// Records and save results in the partner API's XML: `sf:sObject` elements with `sf:type`,
// `sf:Id` and the selected fields (parents nested, child subqueries as QueryResult).

import type { ApiErrorEntry } from '../model/index.js'
import { el } from './soap-envelope.js'

type Json = Record<string, unknown>

function fieldXml(name: string, value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Json
    if ('attributes' in v) return sObjectXml(`sf:${name}`, v)
    if ('records' in v)
      return `<sf:${name} xsi:type="QueryResult">${queryResultXml(v)}</sf:${name}>`
  }
  return el(`sf:${name}`, value)
}

/** One record: `<tag xsi:type="sf:sObject"><sf:type>..</sf:type><sf:Id>..</sf:Id>...` */
export function sObjectXml(tag: string, record: Json): string {
  const attrs = (record.attributes ?? {}) as { type?: string; url?: string }
  const id = typeof record.Id === 'string' ? record.Id : (attrs.url?.split('/').pop() ?? null)
  let out = `<${tag} xsi:type="sf:sObject">${el('sf:type', attrs.type)}${el('sf:Id', id)}`
  for (const [k, v] of Object.entries(record)) {
    if (k === 'attributes' || k === 'Id') continue
    out += fieldXml(k, v)
  }
  return `${out}</${tag}>`
}

/**
 * The inside of a QueryResult: done, queryLocator (the REST locator's last segment, the
 * same `01g...-2000` form Salesforce uses in both APIs), records, size.
 */
export function queryResultXml(result: Json): string {
  const records = (result.records ?? []) as Json[]
  const size = typeof result.totalSize === 'number' ? result.totalSize : records.length
  const next = typeof result.nextRecordsUrl === 'string' ? result.nextRecordsUrl : null
  const done = result.done !== false
  return `${el('done', done)}${el('queryLocator', next?.split('/').pop() ?? null)}${records.map((r) => sObjectXml('records', r)).join('')}<size>${size}</size>`
}

/** A SaveResult or DeleteResult. */
export function saveResultXml(
  id: string | null,
  errors: ApiErrorEntry[],
  created?: boolean,
): string {
  const errorXml = errors
    .map(
      (e) =>
        `<errors>${(e.fields ?? []).map((f) => el('fields', f)).join('')}${el('message', e.message)}${el('statusCode', e.errorCode)}</errors>`,
    )
    .join('')
  const createdXml = created === undefined ? '' : el('created', created)
  return `<result>${createdXml}${errorXml}${el('id', id)}${el('success', errors.length === 0)}</result>`
}
