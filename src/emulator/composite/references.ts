// `@{referenceId.path}` references between composite subrequests: `@{refAccount.id}`,
// `@{refQuery.records[0].Id}` (salesforce-api.md §4.1). A reference is resolved against the
// body of the earlier subresponse with that referenceId.

import { scalarText } from './scalar-text.js'

export interface ResolvedOutput {
  status: number
  body: unknown
}

/** A reference that cannot be resolved: the subrequest depending on it is not run. */
export class UnresolvedReference extends Error {
  constructor(
    readonly expression: string,
    readonly referenceId: string,
  ) {
    super(
      // Salesforce's wording for this case is uncertain ([B]); this says what and why.
      `Invalid reference specification. No value for ${expression} found in ${referenceId}. Provided referenceId ensure you only reference successful subrequests that precede this one.`,
    )
  }
}

const REFERENCE = /@\{([A-Za-z][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g
const WHOLE = /^@\{([A-Za-z][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}$/

function lookup(outputs: Map<string, ResolvedOutput>, refId: string, path: string): unknown {
  const expression = `${refId}${path}`
  const output = outputs.get(refId)
  if (output === undefined || output.status >= 400) throw new UnresolvedReference(expression, refId)
  let value: unknown = output.body
  for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
    const key = step.startsWith('.') ? step.slice(1) : Number(step.slice(1, -1))
    if (typeof value !== 'object' || value === null)
      throw new UnresolvedReference(expression, refId)
    value = (value as Record<string | number, unknown>)[key]
  }
  if (value === undefined) throw new UnresolvedReference(expression, refId)
  return value
}

/** Replaces every reference in a string (a URL, or a string inside a body). */
export function resolveInString(text: string, outputs: Map<string, ResolvedOutput>): string {
  return text.replace(REFERENCE, (_m, refId: string, path: string) => {
    const value = lookup(outputs, refId, path)
    return scalarText(value)
  })
}

/**
 * Replaces references throughout a JSON body. A string that is exactly one reference takes
 * the referenced value as is (a number stays a number); references inside longer strings
 * are substituted as text.
 */
export function resolveInBody(body: unknown, outputs: Map<string, ResolvedOutput>): unknown {
  if (typeof body === 'string') {
    const whole = WHOLE.exec(body)
    if (whole !== null) return lookup(outputs, whole[1]!, whole[2] ?? '')
    return resolveInString(body, outputs)
  }
  if (Array.isArray(body)) return body.map((item) => resolveInBody(item, outputs))
  if (typeof body === 'object' && body !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(body)) out[key] = resolveInBody(value, outputs)
    return out
  }
  return body
}
