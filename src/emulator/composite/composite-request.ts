// `POST /composite`: up to 25 subrequests run in order in one API call, with references
// between them and optional allOrNone; the answer is always HTTP 200 with one subresponse
// per subrequest (salesforce-api.md §4.1).

import { z } from 'zod'
import { ApiError } from '../model/index.js'
import {
  isQueryOrCollections,
  runNativeSubrequest,
  type NativeEnv,
  type SubrequestInput,
} from './native-subrequest.js'
import {
  resolveInBody,
  resolveInString,
  UnresolvedReference,
  type ResolvedOutput,
} from './references.js'
import type { Reply } from './reply.js'

export const MAX_COMPOSITE_SUBREQUESTS = 25
export const MAX_COMPOSITE_QUERIES = 5

export interface CompositeEnv extends NativeEnv {
  /** Runs a subrequest through the data API (not counted against limits). */
  dispatch(sub: SubrequestInput & { headers?: Record<string, string> }): Promise<Reply>
}

const subrequestSchema = z.object({
  method: z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD']),
  url: z.string().startsWith('/services/data/'),
  referenceId: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  body: z.unknown().optional(),
  httpHeaders: z.record(z.string(), z.string()).optional(),
})

const compositeSchema = z.object({
  allOrNone: z.boolean().optional(),
  collateSubrequests: z.boolean().optional(),
  compositeRequest: z.array(subrequestSchema).min(1),
})

type Subrequest = z.infer<typeof subrequestSchema>

interface SubResponse {
  body: unknown
  httpHeaders: Record<string, string>
  httpStatusCode: number
  referenceId: string
}

const halted = (message: string) => [{ errorCode: 'PROCESSING_HALTED', message }]
const ROLLED_BACK =
  'The transaction was rolled back since another operation in the same transaction failed.'

/** Thrown inside the allOrNone transaction only to make OrgWriter undo the writes. */
class RollBack extends Error {}

function parse(body: unknown): z.infer<typeof compositeSchema> {
  const parsed = compositeSchema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      `Invalid composite request at ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'malformed'}. Send {"compositeRequest":[{"method","url","referenceId"}...]}.`,
    )
  }
  const { compositeRequest } = parsed.data
  if (compositeRequest.length > MAX_COMPOSITE_SUBREQUESTS) {
    // Salesforce's exact code for this refusal is uncertain ([B]).
    throw new ApiError(
      400,
      'LIMIT_EXCEEDED',
      `A composite request may have at most ${MAX_COMPOSITE_SUBREQUESTS} subrequests; this one has ${compositeRequest.length}.`,
    )
  }
  if (compositeRequest.filter((s) => isQueryOrCollections(s.url)).length > MAX_COMPOSITE_QUERIES) {
    throw new ApiError(
      400,
      'LIMIT_EXCEEDED',
      `A composite request may have at most ${MAX_COMPOSITE_QUERIES} query or sObject Collections subrequests.`,
    )
  }
  const seen = new Set<string>()
  for (const sub of compositeRequest) {
    if (seen.has(sub.referenceId)) {
      throw new ApiError(
        400,
        'INVALID_INPUT',
        `Duplicate referenceId ${sub.referenceId}: each subrequest needs its own.`,
      )
    }
    seen.add(sub.referenceId)
  }
  return parsed.data
}

function resolve(sub: Subrequest, outputs: Map<string, ResolvedOutput>): SubrequestInput {
  const url = resolveInString(sub.url, outputs)
  return sub.body === undefined
    ? { method: sub.method, url }
    : { method: sub.method, url, body: resolveInBody(sub.body, outputs) }
}

function toSubResponse(sub: Subrequest, reply: Reply): SubResponse {
  return {
    body: reply.body ?? null,
    httpHeaders: reply.headers ?? {},
    httpStatusCode: reply.status,
    referenceId: sub.referenceId,
  }
}

/**
 * A collection answer (HTTP 200) with a failed record. Under a composite allOrNone that
 * fails the whole request: Salesforce lets the composite allOrNone override the nested
 * collection's own (salesforce-api.md §4.1).
 */
function hasFailedRecord(body: unknown): boolean {
  return (
    Array.isArray(body) &&
    body.some(
      (r) => typeof r === 'object' && r !== null && (r as { success?: unknown }).success === false,
    )
  )
}

/** allOrNone: everything runs natively inside one transaction, undone on the first failure. */
function runAllOrNone(env: CompositeEnv, subs: Subrequest[]): SubResponse[] {
  const outputs = new Map<string, ResolvedOutput>()
  const responses: SubResponse[] = []
  let failedAt = -1
  try {
    env.org.transaction(() => {
      for (const [i, sub] of subs.entries()) {
        let reply: Reply
        try {
          reply = runNativeSubrequest(env, resolve(sub, outputs)) ?? {
            status: 400,
            body: [
              {
                errorCode: 'NOT_SUPPORTED',
                message: `The emulator cannot run ${sub.method} ${sub.url} inside an allOrNone composite request; it runs sObject, query and sObject Collections subrequests there.`,
              },
            ],
          }
        } catch (err) {
          if (!(err instanceof UnresolvedReference)) throw err
          reply = { status: 400, body: halted(err.message) }
        }
        responses.push(toSubResponse(sub, reply))
        outputs.set(sub.referenceId, { status: reply.status, body: reply.body })
        if (reply.status >= 400 || hasFailedRecord(reply.body)) {
          failedAt = i
          throw new RollBack()
        }
      }
    })
    return responses
  } catch (err) {
    if (!(err instanceof RollBack)) throw err
  }
  return subs.map((sub, i) =>
    i === failedAt
      ? responses[i]!
      : {
          body: halted(ROLLED_BACK),
          httpHeaders: {},
          httpStatusCode: 400,
          referenceId: sub.referenceId,
        },
  )
}

/** Without allOrNone each subrequest commits on its own; dependants of a failure are skipped. */
async function runEach(env: CompositeEnv, subs: Subrequest[]): Promise<SubResponse[]> {
  const outputs = new Map<string, ResolvedOutput>()
  const responses: SubResponse[] = []
  for (const sub of subs) {
    let reply: Reply
    try {
      const input = resolve(sub, outputs)
      // Through the data API itself, so every resource and result shape is the REST one.
      reply = await env.dispatch(
        sub.httpHeaders === undefined ? input : { ...input, headers: sub.httpHeaders },
      )
    } catch (err) {
      if (!(err instanceof UnresolvedReference)) throw err
      reply = { status: 400, body: halted(err.message) }
    }
    responses.push(toSubResponse(sub, reply))
    outputs.set(sub.referenceId, { status: reply.status, body: reply.body })
  }
  return responses
}

/** Runs a composite request; request-level refusals throw ApiError (400). */
export async function runComposite(env: CompositeEnv, body: unknown): Promise<Reply> {
  const { allOrNone, compositeRequest } = parse(body)
  const compositeResponse =
    allOrNone === true ? runAllOrNone(env, compositeRequest) : await runEach(env, compositeRequest)
  return { status: 200, body: { compositeResponse } }
}
