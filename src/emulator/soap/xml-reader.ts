// A small XML reader for SOAP requests: elements by local name (namespace prefixes
// dropped), attributes, text with the five predefined entities and character references.
// Enough for the envelopes clients send; not a general XML parser (no DTDs).

export interface XmlElement {
  /** Local name, e.g. `login` for `<urn:login>`. */
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  text: string
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10))
    return ENTITIES[ref] ?? whole
  })
}

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => `&${Object.entries(ENTITIES).find(([, v]) => v === c)![0]};`,
  )
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1)

/** The document's root element; throws Error with a short reason on malformed XML. */
export function readXml(source: string): XmlElement {
  const tag =
    /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>/g
  const root: XmlElement = { name: '#root', attributes: {}, children: [], text: '' }
  const stack: XmlElement[] = [root]
  let last = 0
  for (let m = tag.exec(source); m; m = tag.exec(source)) {
    const between = source.slice(last, m.index)
    if (/[<>]/.test(between)) throw new Error('markup that is not well-formed')
    stack[stack.length - 1]!.text += unescapeXml(between)
    last = tag.lastIndex
    if (m[5] !== undefined) {
      stack[stack.length - 1]!.text += m[5]
      continue
    }
    if (m[2] === undefined) continue
    const name = localName(m[2])
    if (m[1] === '/') {
      const open = stack.pop()
      if (!open || open.name !== name || stack.length === 0)
        throw new Error(`unexpected </${m[2]}>`)
      continue
    }
    const attributes: Record<string, string> = {}
    for (const a of (m[3] ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
      attributes[localName(a[1]!)] = unescapeXml(a[2] ?? a[3] ?? '')
    const el: XmlElement = { name, attributes, children: [], text: '' }
    stack[stack.length - 1]!.children.push(el)
    if (m[4] !== '/') stack.push(el)
  }
  if (stack.length !== 1 || /[<>]/.test(source.slice(last))) throw new Error('unclosed element')
  const top = root.children[0]
  if (!top) throw new Error('no root element')
  return top
}

/** The first child with this local name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name)
}

/** Whether the element is `xsi:nil="true"`. */
export function isNil(el: XmlElement): boolean {
  return el.attributes.nil === 'true'
}
