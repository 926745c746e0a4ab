// Server-side HTML with escaping by default: `html` escapes every interpolated value unless it
// is already Html (another `html` result), so no page can forget to escape a name.

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
}

/** Escapes text for an element body or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c)
}

export type Value = Html | string | number | boolean | null | undefined | readonly Value[]

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return (value as readonly Value[]).map(render).join('')
  return escapeHtml(String(value))
}

/** A template whose interpolations are escaped; `false`, null and undefined render nothing. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? ''
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '')
  })
  return new Html(out)
}

/** A path segment: encodeURIComponent, so Greek or Korean names survive in links. */
export function seg(value: string): string {
  return encodeURIComponent(value)
}

/** JSON for a <pre> block (escaped by `html` when interpolated). */
export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null'
}
