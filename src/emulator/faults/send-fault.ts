// The answers an injected fault gives, as Salesforce and its edge send them
// (salesforce-api.md §7: JSON 503, HTML maintenance page, CDN/edge HTML errors).

import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FaultKind } from './fault-settings.js'

const MAINTENANCE_HTML =
  '<!DOCTYPE html><html><head><title>Down for Maintenance</title></head><body>' +
  "<h1>We are down for maintenance.</h1><p>Sorry for the inconvenience. We'll be back shortly.</p></body></html>"

const BAD_GATEWAY_HTML =
  '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>' +
  '<p>The proxy server received an invalid response from an upstream server.</p></body></html>'

/** Answer `kind` on this request (or drop the connection). */
export function sendFault(
  kind: FaultKind,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  switch (kind) {
    case 'connectionReset':
      reply.hijack()
      request.raw.socket.destroy()
      return reply
    case 'serverUnavailable':
      return reply.code(503).send([
        {
          message: 'Server is temporarily unavailable. Please try again later.',
          errorCode: 'SERVER_UNAVAILABLE',
        },
      ])
    case 'unableToLockRow':
      return reply.code(400).send([
        {
          message: 'unable to obtain exclusive access to this record',
          errorCode: 'UNABLE_TO_LOCK_ROW',
          fields: [],
        },
      ])
    case 'internalError':
      return reply.code(500).send([
        {
          message:
            'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)',
          errorCode: 'UNKNOWN_EXCEPTION',
        },
      ])
    case 'badGatewayHtml':
      return reply
        .code(502)
        .header('content-type', 'text/html; charset=UTF-8')
        .send(BAD_GATEWAY_HTML)
    case 'maintenanceHtml':
      return reply
        .code(503)
        .header('content-type', 'text/html; charset=UTF-8')
        .send(MAINTENANCE_HTML)
  }
}
