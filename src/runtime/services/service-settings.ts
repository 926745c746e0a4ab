// A service's own settings: values an operator sets per service (an ERP's URL, a batch size, a
// partner's token) instead of hard-coding them in the service file. A service declares them with
// a zod schema (`settings` in defineService); the values live in the store, sealed as a whole
// because any of them may be a secret, and reach `handle` as `ctx.settings`, validated.
import { toJSONSchema, type z } from 'zod'
import type { SettingRepository } from '../../store/index.js'
import { ForcebridgeError } from '../../util/index.js'
import type { AnyService } from './define-service.js'

const KEY_PREFIX = 'service-settings:'

export type SettingValues = Record<string, unknown>

/** One setting as `forcebridge service settings` shows it; a secret one never shows its value. */
export interface SettingView {
  key: string
  /** Declared in the service's schema (false: stored but unknown to the schema). */
  declared: boolean
  secret: boolean
  set: boolean
  /** Present for a set, non-secret value. */
  value?: unknown
  description?: string
}

export class ServiceSettings {
  readonly #settings: SettingRepository
  readonly #revision: () => string
  #cache = new Map<string, { revision: string; values: SettingValues }>()

  /**
   * `revision` is the store's change token; values read under one revision are reused until it
   * moves (another process wrote settings) or this object writes them itself.
   */
  constructor(settings: SettingRepository, revision: () => string) {
    this.#settings = settings
    this.#revision = revision
  }

  /** The stored values of `service` as they are, unvalidated; {} when none were set. */
  async stored(service: string): Promise<SettingValues> {
    const revision = this.#revision()
    const cached = this.#cache.get(service)
    if (cached?.revision === revision) return cached.values
    const text = await this.#settings.get(KEY_PREFIX + service)
    const values = text ? (JSON.parse(text) as SettingValues) : {}
    this.#cache.set(service, { revision, values })
    return values
  }

  /**
   * What `handle` gets as `ctx.settings`: the stored values parsed by the service's schema
   * (defaults applied), or the raw values when it declares none. SERVICE_SETTINGS_INVALID
   * names each missing or wrong value and how to set it.
   */
  async forInvocation(service: AnyService): Promise<SettingValues> {
    return this.#validated(service, await this.stored(service.name))
  }

  /**
   * forInvocation's answer at once when the values read under the current revision are cached;
   * undefined when they must be read (the invoker then waits for forInvocation).
   */
  cachedForInvocation(service: AnyService): SettingValues | undefined {
    const cached = this.#cache.get(service.name)
    if (cached?.revision !== this.#revision()) return undefined
    return this.#validated(service, cached.values)
  }

  #validated(service: AnyService, values: SettingValues): SettingValues {
    if (!service.settings) return values
    const parsed = service.settings.safeParse(values)
    if (parsed.success) return parsed.data as SettingValues
    const problems = parsed.error.issues.map(
      (i) => `${i.path.map(String).join('.') || '(settings)'} ${i.message}`,
    )
    throw new ForcebridgeError(
      'SERVICE_SETTINGS_INVALID',
      `settings of service '${service.name}' are not valid: ${problems.join('; ')}; set them with \`forcebridge service settings ${service.name} --set <key>=<value>\``,
    )
  }

  /**
   * Sets and unsets values of `service`. With the service given, the result must pass its
   * schema, so a typo is refused here rather than at the next invocation.
   */
  async update(
    serviceName: string,
    changes: { set?: SettingValues; unset?: string[] },
    service?: AnyService,
  ): Promise<SettingValues> {
    const next: SettingValues = { ...(await this.stored(serviceName)), ...changes.set }
    for (const key of changes.unset ?? []) delete next[key]
    if (service?.settings) {
      const parsed = service.settings.safeParse(next)
      if (!parsed.success) {
        const problems = parsed.error.issues.map(
          (i) => `${i.path.map(String).join('.') || '(settings)'} ${i.message}`,
        )
        throw new ForcebridgeError(
          'INVALID_SETTINGS',
          `settings of service '${serviceName}' would not be valid: ${problems.join('; ')}; nothing was changed`,
        )
      }
    }
    if (Object.keys(next).length === 0) await this.#settings.delete(KEY_PREFIX + serviceName)
    else await this.#settings.set(KEY_PREFIX + serviceName, JSON.stringify(next), { secret: true })
    this.#cache.delete(serviceName)
    return next
  }

  /** Each declared or stored setting, secret values hidden. */
  async view(serviceName: string, service?: AnyService): Promise<SettingView[]> {
    const values = await this.stored(serviceName)
    const declared = declaredFields(service?.settings)
    const keys = [...new Set([...declared.keys(), ...Object.keys(values)])]
    return keys.map((key) => {
      const field = declared.get(key)
      const secret = field?.secret ?? true
      const set = key in values
      return {
        key,
        declared: field !== undefined,
        secret,
        set,
        ...(set && !secret ? { value: values[key] } : {}),
        ...(field?.description ? { description: field.description } : {}),
      }
    })
  }
}

interface DeclaredField {
  secret: boolean
  description?: string
}

/**
 * The fields of an object settings schema, read from its JSON Schema so that wrappers
 * (`.optional()`, `.default()`, `.nullable()`) do not hide a field's metadata. A field is secret
 * when its metadata says so (`z.string().meta({ secret: true })`); undeclared stored keys count
 * as secret, to be safe.
 */
function declaredFields(schema: z.ZodType | undefined): Map<string, DeclaredField> {
  const out = new Map<string, DeclaredField>()
  if (!schema) return out
  let json: { properties?: Record<string, unknown> }
  try {
    json = toJSONSchema(schema, { unrepresentable: 'any', io: 'input' })
  } catch {
    return out
  }
  for (const [key, raw] of Object.entries(json.properties ?? {})) {
    out.set(key, fieldInfo(raw))
  }
  return out
}

/** Secret and description of one property, looking through anyOf/allOf wrappers too. */
function fieldInfo(raw: unknown): DeclaredField {
  const node = (raw ?? {}) as {
    secret?: unknown
    description?: unknown
    anyOf?: unknown[]
    allOf?: unknown[]
    oneOf?: unknown[]
  }
  const inner = [...(node.anyOf ?? []), ...(node.allOf ?? []), ...(node.oneOf ?? [])].map(fieldInfo)
  const secret = node.secret === true || inner.some((f) => f.secret)
  const description =
    typeof node.description === 'string'
      ? node.description
      : inner.find((f) => f.description)?.description
  return { secret, ...(description ? { description } : {}) }
}
