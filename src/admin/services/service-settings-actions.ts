// A service's own settings through the admin: the view (secret values never sent), each declared
// field's kind for the dashboard's form, and changes checked against the service's schema and
// audited with key names only, as `forcebridge service settings` does (src/cli/service-command.ts).
import { z } from 'zod'
import type { AnyService, SettingView } from '../../runtime/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type { AdminContext } from '../admin-context.js'

/** One setting as the admin shows it: the runtime's view plus how the form reads its text. */
export interface AdminSettingView extends SettingView {
  /**
   * `text`: the field takes a string, so the form sends the text as it is; `json`: the form sends
   * the text's JSON reading (200, true, ["a"]). The CLI's --set rule, decided from the schema.
   */
  input: 'text' | 'json'
  /** The schema's default, shown as a placeholder; absent when it has none. */
  default?: unknown
}

export interface ServiceSettingsView {
  service: string
  /** Whether the service declares a settings schema. */
  declared: boolean
  settings: AdminSettingView[]
}

const changesBody = z
  .object({
    set: z.record(z.string().min(1), z.unknown()).optional(),
    unset: z.array(z.string().min(1)).optional(),
  })
  .strict()

function loadedService(ctx: AdminContext, name: string): AnyService {
  const service = ctx.runtime.registry.get(name)
  if (!service) {
    throw new ForcebridgeError(
      'SERVICE_NOT_FOUND',
      `service '${name}' is not loaded; check the services folder and the server log`,
    )
  }
  return service
}

function fieldsOf(service: AnyService): Record<string, z.ZodType> {
  const shape = (service.settings as { shape?: Record<string, z.ZodType> } | undefined)?.shape
  return shape && typeof shape === 'object' ? shape : {}
}

/**
 * Whether a field is marked secret anywhere along its wrappers: `.meta({ secret: true })` put
 * before `.optional()` or `.default()` sits on the inner type, where the field's own meta() does
 * not see it. Checked here too so that such a value is never sent, whatever the view says.
 */
function isSecretField(field: z.ZodType): boolean {
  let current: unknown = field
  for (let depth = 0; depth < 16 && current; depth++) {
    const meta = (current as { meta?: () => { secret?: unknown } | undefined }).meta?.()
    if (meta?.secret === true) return true
    const def = (current as { _zod?: { def?: { innerType?: unknown; in?: unknown } } })._zod?.def
    current = def?.innerType ?? def?.in
  }
  return false
}

/** Whether a JSON Schema accepts some string: then a typed text is taken as it is. */
function takesText(schema: Record<string, unknown>): boolean {
  const type = schema.type
  if (type === undefined) {
    const branches: unknown[] = [schema.anyOf, schema.oneOf].flatMap((b): unknown[] =>
      Array.isArray(b) ? b : [],
    )
    if (branches.length > 0) return branches.some((b) => takesText(b as Record<string, unknown>))
    if (Array.isArray(schema.enum)) return schema.enum.some((v) => typeof v === 'string')
    if ('const' in schema) return typeof schema.const === 'string'
    // No constraint at all (z.any(), z.unknown()): the CLI keeps the text too.
    return true
  }
  return type === 'string' || (Array.isArray(type) && type.includes('string'))
}

function formHints(field: z.ZodType | undefined): Pick<AdminSettingView, 'input' | 'default'> {
  if (!field) return { input: 'json' }
  let schema: Record<string, unknown>
  try {
    schema = z.toJSONSchema(field, { io: 'input', unrepresentable: 'any' })
  } catch {
    // A transform or custom type: let the text through as it is, the schema judges it on save.
    return { input: 'text' }
  }
  return {
    input: takesText(schema) ? 'text' : 'json',
    ...('default' in schema ? { default: schema.default } : {}),
  }
}

/** The settings of a loaded service: each declared or stored key, secret values hidden. */
export async function getServiceSettings(
  ctx: AdminContext,
  name: string,
): Promise<ServiceSettingsView> {
  const service = loadedService(ctx, name)
  const fields = fieldsOf(service)
  const view = await ctx.settings.view(name, service)
  return {
    service: name,
    declared: service.settings !== undefined,
    settings: view.map((v) => {
      const field = fields[v.key]
      const hints = formHints(field)
      if (v.secret || (field && isSecretField(field))) {
        // No value, and no default either: a secret's default is still a secret.
        const hidden: AdminSettingView = { ...v, secret: true, input: hints.input }
        delete hidden.value
        return hidden
      }
      return { ...v, ...hints }
    }),
  }
}

/**
 * Sets and unsets settings of a loaded service. Keys its schema does not declare are refused, and
 * the result must pass the schema (INVALID_SETTINGS, 400, naming each field; nothing changed).
 * Audited as `service.settings` with the key names only, never the values.
 */
export async function updateServiceSettings(
  ctx: AdminContext,
  actor: string,
  name: string,
  body: unknown,
): Promise<ServiceSettingsView> {
  const service = loadedService(ctx, name)
  const { set = {}, unset = [] } = changesBody.parse(body)
  if (service.settings) {
    const declared = Object.keys(fieldsOf(service))
    const unknown = Object.keys(set).filter((k) => !declared.includes(k))
    if (unknown.length > 0) {
      throw new ForcebridgeError(
        'INVALID_SETTINGS',
        `service '${name}' declares no setting ${unknown.map((k) => `'${k}'`).join(', ')} (it declares ${declared.map((k) => `'${k}'`).join(', ') || 'none'}); nothing was changed`,
      )
    }
  }
  if (Object.keys(set).length === 0 && unset.length === 0) return getServiceSettings(ctx, name)
  await ctx.settings.update(name, { set, unset }, service)
  await ctx.store.audit.record({
    actor,
    action: 'service.settings',
    target: name,
    detail: { set: Object.keys(set), unset },
  })
  return getServiceSettings(ctx, name)
}
