// Services as the admin sees them (name, description, source file, JSON schemas of input and
// output), the service files with their load state, and invoking one with JSON input, which is
// audited like any change: it may write to Salesforce.
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { ForcebridgeError } from '../../util/index.js'
import type { AdminContext } from '../admin-context.js'

export interface ServiceView {
  name: string
  description: string | null
  /** The file that defined it, or null for services registered in code. */
  source: string | null
  inputSchema: unknown
  outputSchema: unknown
  timeoutMs: number | null
  /** Whether it declares settings (`settings` in defineService). */
  hasSettings: boolean
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
    description: service.description ?? null,
    source: source ?? null,
    inputSchema: jsonSchemaOf(service.input),
    outputSchema: jsonSchemaOf(service.output),
    timeoutMs: service.timeoutMs ?? null,
    hasSettings: service.settings !== undefined,
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

/**
 * `loaded`: the latest version serves; `failed`: it did not load and nothing from the file
 * serves; `stale`: it did not load and the previous version keeps serving.
 */
export type ServiceFileState = 'loaded' | 'failed' | 'stale'

export interface ServiceFileView {
  file: string
  state: ServiceFileState
  /** The services served from the file now. */
  services: string[]
  /** When the version now serving was loaded (ISO 8601), null when none ever loaded. */
  loadedAt: string | null
  /** Why the latest version did not load. */
  error: string | null
  failedAt: string | null
}

/** The service files the runtime watches, with what each serves or why it failed. */
export function listServiceFiles(ctx: AdminContext): ServiceFileView[] {
  return ctx.runtime.serviceCatalog.status().map((s) => ({
    file: s.file,
    state: !s.error ? 'loaded' : s.loadedAt ? 'stale' : 'failed',
    services: s.services,
    loadedAt: s.loadedAt?.toISOString() ?? null,
    error: s.error?.message ?? null,
    failedAt: s.failedAt?.toISOString() ?? null,
  }))
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
