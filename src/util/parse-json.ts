// JSON.parse that refuses the keys that can rewrite an object's prototype when the parsed value
// is later merged or assigned (`__proto__`, and `constructor` holding `prototype`), with an error
// that names the key: a body carrying one is refused for that reason, not as "not valid JSON".

/** A JSON text held a key that could change object prototypes. */
export class ForbiddenJsonKeyError extends Error {
  constructor(
    /** `__proto__` or `constructor.prototype`. */
    readonly key: string,
    /** Where it was, e.g. `$.order.__proto__`. */
    readonly path: string,
  ) {
    super(
      `the JSON body holds the key "${key}" at ${path}, which is refused because it can change ` +
        'object prototypes; rename or remove that key',
    )
    this.name = 'ForbiddenJsonKeyError'
  }
}

// Only texts that could hold such a key are walked: they name it, or escape characters in keys.
const MAY_HOLD = /__proto__|constructor|\\u/

/**
 * Parses `text` as JSON; SyntaxError for malformed JSON, ForbiddenJsonKeyError for a forbidden
 * key (at any depth).
 * @example parseJson('{"__proto__": {"isAdmin": true}}') // throws ForbiddenJsonKeyError
 */
export function parseJson(text: string): unknown {
  const value = JSON.parse(text) as unknown
  if (MAY_HOLD.test(text)) refuseForbiddenKeys(value, '$')
  return value
}

function refuseForbiddenKeys(value: unknown, path: string): void {
  if (value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    value.forEach((item, i) => refuseForbiddenKeys(item, `${path}[${i}]`))
    return
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key === '__proto__') throw new ForbiddenJsonKeyError('__proto__', `${path}.__proto__`)
    if (
      key === 'constructor' &&
      child !== null &&
      typeof child === 'object' &&
      Object.hasOwn(child, 'prototype')
    ) {
      throw new ForbiddenJsonKeyError('constructor.prototype', `${path}.constructor.prototype`)
    }
    refuseForbiddenKeys(child, `${path}.${key}`)
  }
}
