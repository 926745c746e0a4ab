// The server's JSON body parser (channels and the admin API share it): Fastify's own answers every
// refusal "Body is not valid JSON", a `__proto__` key included; this one says what is wrong.
import type { HttpServer } from './http-server.js'
import { ForbiddenJsonKeyError, ForcebridgeError, parseJson } from '../../util/index.js'

export function useJsonBodyParser(app: HttpServer): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') {
      done(
        new ForcebridgeError(
          'BAD_REQUEST',
          'the body is empty but Content-Type is application/json; send a JSON value',
        ),
      )
      return
    }
    try {
      done(null, parseJson(text))
    } catch (err) {
      const message =
        err instanceof ForbiddenJsonKeyError
          ? err.message
          : `the body is not valid JSON (${err instanceof Error ? err.message : String(err)})`
      done(new ForcebridgeError('BAD_REQUEST', message, { cause: err }))
    }
  })
}
