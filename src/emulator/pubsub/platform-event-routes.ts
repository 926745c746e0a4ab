// `POST /services/data/vXX.X/sobjects/Name__e`: publishing a platform event over REST. Salesforce
// answers 201 with success true and an OPERATION_ENQUEUED entry carrying the event's uuid.

import type { Feature } from '../server/emulator-context.js'
import { readJsonBody } from '../server/read-json-body.js'
import { ApiError } from '../model/index.js'
import type { PlatformEvents } from './platform-events.js'

/** The route only matches `__e` names, so every other sObject keeps its own POST route. */
export function platformEventFeature(events: PlatformEvents): Feature {
  return (app, ctx) => {
    app.post<{ Params: { type: string } }>(
      '/services/data/:version/sobjects/:type(^[A-Za-z][A-Za-z0-9_]*__[eE]$)',
      async (request, reply) => {
        const body = readJsonBody(request.body)
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          throw new ApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object')
        const logged = events.publishRecord(
          request.params.type,
          body as Record<string, unknown>,
          request.session.userId,
        )
        // Event "ids" look like record ids with the e00 prefix; they are not records.
        const id = ctx.newId('e00')
        return reply.code(201).send({
          id,
          success: true,
          errors: [
            {
              statusCode: 'OPERATION_ENQUEUED',
              message: logged.id,
              fields: [],
            },
          ],
        })
      },
    )
  }
}
