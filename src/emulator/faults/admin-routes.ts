// The admin API under `/__emulator/`: fault injection, session expiry, limits, settings,
// counters and test helpers. The server's guard opens it on a loopback address only;
// otherwise every call needs `X-Emulator-Admin-Token` (printed at start).

import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { readJsonBody } from '../server/read-json-body.js'
import type { EmulatorState } from '../server/emulator-state.js'
import { faultSettingsSchema } from './fault-settings.js'
import { ApiError } from '../model/index.js'
import { ForcebridgeError } from '../../util/index.js'
import { issueRefreshToken, statsBody } from './admin-actions.js'

const settingsSchema = z
  .object({ allowUsernamePasswordFlow: z.boolean(), genericLoginHost: z.boolean() })
  .partial()
  .strict()
const refreshSchema = z.object({ username: z.string(), consumerKey: z.string() }).strict()

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body === '' || body === undefined ? {} : readJsonBody(body))
  if (result.success) return result.data
  const problems = result.error.issues
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ')
  throw new ApiError(400, 'INVALID_INPUT', `invalid admin request: ${problems}`)
}

export function registerAdminRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get('/__emulator/stats', () => statsBody(state))
  app.get('/__emulator/faults', () => state.faults.current())
  app.post('/__emulator/faults', (request) => {
    state.faults.set(parse(faultSettingsSchema, request.body))
    return state.faults.current()
  })
  app.delete('/__emulator/faults', async (_request, reply) => {
    state.faults.clear()
    return reply.code(204).send()
  })
  app.post('/__emulator/sessions/expire', async (_request, reply) => {
    state.sessions.expireAll()
    return reply.code(204).send()
  })
  app.post('/__emulator/limits/spend', async (_request, reply) => {
    state.limits.spendAll()
    return reply.code(204).send()
  })
  app.post('/__emulator/limits/reset', async (_request, reply) => {
    state.limits.reset()
    return reply.code(204).send()
  })
  app.post('/__emulator/settings', (request) => {
    Object.assign(state.settings, parse(settingsSchema, request.body))
    return state.settings
  })
  app.post('/__emulator/refresh-tokens', (request) => {
    const { username, consumerKey } = parse(refreshSchema, request.body)
    try {
      return { refresh_token: issueRefreshToken(state, username, consumerKey) }
    } catch (err) {
      if (err instanceof ForcebridgeError) throw new ApiError(400, err.code, err.message)
      throw err
    }
  })
}
