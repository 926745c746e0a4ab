// Services as the admin sees them (name, source file, JSON schemas of input and output) and
// invoking one with JSON input, which is audited like any change: it may write to Salesforce.
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { ForcebridgeError } from '../util/index.js'
import type { AdminContext } from './admin-context.js'

export interface ServiceView {
  name: string
  /** The file that defined it, or null for services registered in code. */
  source: string | null
  inputSchema: unknown
  outputSchema: unknown
  timeoutMs: number | null
}

/** JSON Schema of a zod schema, or a note when zod cannot express it (transforms, functions). */
function jsonSchemaOf(schema: z.ZodType | undefined): unknown {
  if (!schema) return null
  try {
    return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' })
  } catch (err) {
    return { description: `not expressible as JSON Schema: ${(err as Error).message}` }
  }
}

export function listServices(ctx: AdminContext): ServiceView[] {
  return ctx.runtime.registry.list().map(({ service, source }) => ({
    name: service.name,
    source: source ?? null,
    inputSchema: jsonSchemaOf(service.input),
    outputSchema: jsonSchemaOf(service.output),
    timeoutMs: service.timeoutMs ?? null,
  }))
}

export function getService(ctx: AdminContext, name: string): ServiceView {
  const found = listServices(ctx).find((s) => s.name === name)
  if (!found) {
    throw new ForcebridgeError(
      'SERVICE_NOT_FOUND',
      `service '${name}' is not loaded; check the services folder and the server log`,
    )
  }
  return found
}

export interface InvokeResult {
  correlationId: string
  output: unknown
}

export async function invokeService(
  ctx: AdminContext,
  actor: string,
  name: string,
  input: unknown,
): Promise<InvokeResult> {
  const correlationId = randomUUID()
  let outcome = 'failed'
  try {
    const output = await ctx.runtime.invoker.invoke(name, input, { correlationId })
    outcome = 'succeeded'
    return { correlationId, output: output ?? null }
  } finally {
    // The input is not logged: services take customer data, and possibly credentials.
    await ctx.store.audit.record({
      actor,
      action: 'service.invoke',
      target: name,
      detail: { correlationId, outcome },
    })
  }
}
