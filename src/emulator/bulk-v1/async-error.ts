// Bulk API 1.0's error answer: `<error>` with exceptionCode and exceptionMessage in the
// dataload namespace, or the same two fields as a JSON object when the caller speaks JSON
// ([C: SF-Bulk1 "Errors"]). jsforce spots an expired session by a 400 whose body holds
// `<exceptionCode>InvalidSessionId</exceptionCode>`.

import type { FastifyReply, FastifyRequest } from 'fastify'
import { escapeXml } from './xml-lite.js'

export const NAMESPACE = 'http://www.force.com/2009/06/asyncapi/dataload'

export type AsyncExceptionCode =
  | 'ClientInputError'
  | 'ExceededQuota'
  | 'InvalidBatch'
  | 'InvalidJob'
  | 'InvalidJobState'
  | 'InvalidOperation'
  | 'InvalidSessionId'
  | 'InvalidUrl'
  | 'InvalidUser'
  | 'InvalidXML'
  | 'InvalidVersion'

export class AsyncApiError extends Error {
  constructor(
    readonly status: number,
    readonly exceptionCode: AsyncExceptionCode,
    message: string,
  ) {
    super(message)
    this.name = 'AsyncApiError'
  }
}

export type WireFormat = 'XML' | 'JSON'

/** JSON when the request's body (or the job) is JSON, XML otherwise, as Salesforce answers. */
export function requestFormat(request: FastifyRequest, jobFormat?: string): WireFormat {
  if (jobFormat === 'JSON') return 'JSON'
  const type = String(request.headers['content-type'] ?? '')
  return type.includes('json') ? 'JSON' : 'XML'
}

export function sendAsyncError(
  reply: FastifyReply,
  format: WireFormat,
  err: AsyncApiError,
): FastifyReply {
  reply.code(err.status)
  if (format === 'JSON') {
    return reply
      .type('application/json')
      .send({ exceptionCode: err.exceptionCode, exceptionMessage: err.message })
  }
  return reply
    .type('application/xml')
    .send(
      `<?xml version="1.0" encoding="UTF-8"?><error\n   xmlns="${NAMESPACE}">\n <exceptionCode>${err.exceptionCode}</exceptionCode>\n <exceptionMessage>${escapeXml(err.message)}</exceptionMessage>\n</error>`,
    )
}

/** The answer to a missing, unknown or expired `X-SFDC-Session`. */
export function sendInvalidSession(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendAsyncError(
    reply,
    requestFormat(request),
    new AsyncApiError(400, 'InvalidSessionId', 'Invalid session id'),
  )
}

/**
 * The answer when the org's daily API requests are spent. Bulk API 1.0 speaks its own error
 * shape, not REST's REQUEST_LIMIT_EXCEEDED array: ExceededQuota ("the job or batch you tried
 * to create exceeds the allowed number for the past 24-hour period"), with REST's 403 status
 * and "TotalRequests Limit exceeded." text, so jsforce's bulk client surfaces it by name.
 */
export function sendRequestLimitExceeded(
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  return sendAsyncError(
    reply,
    requestFormat(request),
    new AsyncApiError(403, 'ExceededQuota', 'TotalRequests Limit exceeded.'),
  )
}
