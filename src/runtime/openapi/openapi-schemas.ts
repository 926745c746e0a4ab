// Services' zod schemas as JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), ready to sit
// in an OpenAPI document's components: a schema that zod cannot express becomes `{}` (any value)
// rather than failing the whole document, and zod's local `$defs` are hoisted into components,
// because inside a larger document `#/$defs/...` (and `#` for recursion) would point at its root.
import { z } from 'zod'

export type JsonSchema = Record<string, unknown>

const converted = new WeakMap<object, Map<'input' | 'output', JsonSchema>>()

/**
 * `schema` as JSON Schema for the side `io` of it (`input`: what a caller sends, before
 * defaults and transforms; `output`: what the service returns). Cached per schema object.
 */
export function toJsonSchema(schema: unknown, io: 'input' | 'output'): JsonSchema {
  if (typeof schema !== 'object' || schema === null) return {}
  let perIo = converted.get(schema)
  if (!perIo) converted.set(schema, (perIo = new Map<'input' | 'output', JsonSchema>()))
  const cached = perIo.get(io)
  if (cached) return cached
  let json: JsonSchema
  try {
    json = z.toJSONSchema(schema as z.ZodType, {
      target: 'draft-2020-12',
      io,
      // A transform, a date, a custom check: described as "any value" instead of throwing.
      unrepresentable: 'any',
    })
  } catch {
    // A schema built by an incompatible zod, or one that still refuses (e.g. a transform on the
    // output side): the document stays valid, only less precise for this service.
    json = {}
  }
  perIo.set(io, json)
  return json
}

/** A name usable as a component key (OpenAPI: `^[a-zA-Z0-9.\-_]+$`). */
export function componentName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_') || '_'
}

/**
 * Puts `schema` into `schemas` under `name`, its `$defs` beside it as `<name>.<def>`, with every
 * local `$ref` rewritten to point there. Returns the (rewritten) root.
 */
export function addComponentSchema(
  schemas: Record<string, JsonSchema>,
  name: string,
  schema: JsonSchema,
): JsonSchema {
  // `$schema` is dropped: OpenAPI 3.1 documents already speak draft 2020-12.
  const { $defs, ...root } = schema
  delete root.$schema
  const defs = ($defs ?? {}) as Record<string, JsonSchema>
  const target = (ref: string): string => {
    if (ref === '#') return `#/components/schemas/${name}`
    const m = /^#\/\$defs\/(.+)$/.exec(ref)
    return m?.[1] ? `#/components/schemas/${name}.${componentName(m[1])}` : ref
  }
  for (const [key, def] of Object.entries(defs)) {
    schemas[`${name}.${componentName(key)}`] = rewriteRefs(def, target) as JsonSchema
  }
  const rewritten = rewriteRefs(root, target) as JsonSchema
  schemas[name] = rewritten
  return rewritten
}

function rewriteRefs(value: unknown, target: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, target))
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) =>
      k === '$ref' && typeof v === 'string' ? [k, target(v)] : [k, rewriteRefs(v, target)],
    ),
  )
}

/** The top-level properties of an object schema (empty for anything else). */
export function objectProperties(schema: JsonSchema): {
  properties: Record<string, JsonSchema>
  required: Set<string>
} {
  const props = schema.type === 'object' ? schema.properties : undefined
  const properties = props && typeof props === 'object' ? (props as Record<string, JsonSchema>) : {}
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : [])
  return { properties, required }
}

/** `schema` without the properties in `names` (the path parameters, which come from the URL). */
export function withoutProperties(schema: JsonSchema, names: readonly string[]): JsonSchema {
  if (names.length === 0 || schema.type !== 'object') return schema
  const { properties, required } = objectProperties(schema)
  const kept = Object.fromEntries(Object.entries(properties).filter(([k]) => !names.includes(k)))
  const stillRequired = [...required].filter((k) => !names.includes(k))
  const out: JsonSchema = { ...schema, properties: kept }
  if (stillRequired.length > 0) out.required = stillRequired
  else delete out.required
  return out
}
