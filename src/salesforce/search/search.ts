// SOSL search and parameterized search; both answer `{ searchRecords: [...] }` from API 37.0
// (a bare array before), salesforce-api.md §3.

import { z } from 'zod'
import { ForcebridgeError } from '../../util/index.js'
import type { Requester } from '../requester.js'

function recordsOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[]
  const records = (body as { searchRecords?: unknown } | undefined)?.searchRecords
  if (Array.isArray(records)) return records as T[]
  throw new ForcebridgeError('UNEXPECTED_RESPONSE', 'search: the answer has no searchRecords array')
}

/** Runs a SOSL statement (`GET /search?q=`). @example search(client, 'FIND {Acme} RETURNING Account(Id, Name)') */
export async function search<T = Record<string, unknown>>(
  requester: Requester,
  sosl: string,
): Promise<T[]> {
  if (typeof sosl !== 'string' || !/^\s*FIND\s/i.test(sosl)) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      'search: the SOSL text must start with FIND; use soql for SELECT',
    )
  }
  const res = await requester.request({ method: 'GET', path: 'search', query: { q: sosl } })
  return recordsOf<T>(res.body)
}

const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/)

/** The JSON body of `POST /parameterizedSearch`. */
export const parameterizedSearchSchema = z.object({
  q: z.string().min(2),
  fields: z.array(name).optional(),
  sobjects: z
    .array(
      z.object({
        name,
        fields: z.array(name).optional(),
        where: z.string().optional(),
        limit: z.number().int().positive().optional(),
      }),
    )
    .optional(),
  in: z.enum(['ALL', 'NAME', 'EMAIL', 'PHONE', 'SIDEBAR']).optional(),
  overallLimit: z.number().int().positive().optional(),
  defaultLimit: z.number().int().positive().optional(),
  offset: z.number().int().nonnegative().optional(),
  spellCorrection: z.boolean().optional(),
})

export type ParameterizedSearchParams = z.infer<typeof parameterizedSearchSchema>

/**
 * Searches without writing SOSL, sent as a POST body so no value needs URL escaping.
 * @example parameterizedSearch(client, { q: 'Acme', sobjects: [{ name: 'Account', fields: ['Id', 'Name'] }] })
 */
export async function parameterizedSearch<T = Record<string, unknown>>(
  requester: Requester,
  params: ParameterizedSearchParams,
): Promise<T[]> {
  const parsed = parameterizedSearchSchema.safeParse(params)
  if (!parsed.success) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `parameterizedSearch: ${z.prettifyError(parsed.error)}`,
    )
  }
  // A search reads only, so a replay after a network error is safe.
  const res = await requester.request({
    method: 'POST',
    path: 'parameterizedSearch',
    body: parsed.data,
    retry: 'always',
  })
  return recordsOf<T>(res.body)
}
