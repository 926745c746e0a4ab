// Just enough XML for Bulk API 1.0's documents (jobInfo, sObjects): elements, attributes,
// text, CDATA and the predefined and numeric entities; namespaces are reduced to local names.
// No DTDs, no processing of external entities: there is nothing to expand or fetch.

export interface XmlElement {
  /** Local name, without the namespace prefix. */
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  /** The element's own text (CDATA included), entities decoded. */
  text: string
}

/** Thrown for text that is not well-formed XML; the message says where. */
export class XmlSyntaxError extends Error {}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)))
    const ch = ENTITIES[ref]
    if (ch === undefined) throw new XmlSyntaxError(`unknown entity ${whole}`)
    return ch
  })
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1)

/** Parses a document and answers its root element. */
export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  let i = 0
  const fail = (what: string): never => {
    throw new XmlSyntaxError(`${what} at character ${i}`)
  }
  while (i < text.length) {
    const lt = text.indexOf('<', i)
    const chunk = text.slice(i, lt < 0 ? text.length : lt)
    if (chunk.trim() !== '') {
      const top = stack[stack.length - 1]
      if (top === undefined) fail('text outside the root element')
      else top.text += decode(chunk)
    }
    if (lt < 0) break
    i = lt
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i)
      if (end < 0) fail('unclosed declaration')
      i = end + 2
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i)
      if (end < 0) fail('unclosed comment')
      i = end + 3
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i)
      const top = stack[stack.length - 1]
      if (end < 0 || top === undefined) fail('misplaced CDATA')
      top!.text += text.slice(i + 9, end)
      i = end + 3
    } else if (text.startsWith('<!', i)) {
      fail('DOCTYPE is not accepted')
    } else if (text.startsWith('</', i)) {
      const end = text.indexOf('>', i)
      if (end < 0) fail('unclosed end tag')
      const name = localName(text.slice(i + 2, end).trim())
      const open = stack.pop()
      if (open?.name !== name) fail(`end tag </${name}> does not match`)
      i = end + 1
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(
        text.slice(i),
      )
      if (!m) fail('malformed start tag')
      const [whole, qname, attrText, selfClosing] = m!
      const attributes: Record<string, string> = {}
      for (const a of attrText!.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attributes[a[1]!] = decode(a[2] ?? a[3] ?? '')
      }
      const el: XmlElement = { name: localName(qname!), attributes, children: [], text: '' }
      const parent = stack[stack.length - 1]
      if (parent) parent.children.push(el)
      else if (root) fail('a second root element')
      else root = el
      if (selfClosing !== '/') stack.push(el)
      i += whole.length
    }
  }
  if (root === undefined) fail('no root element')
  if (stack.length > 0) fail(`<${stack[stack.length - 1]!.name}> is not closed`)
  return root!
}

/** `&`, `<`, `>` and quotes escaped for text and attribute values. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/** True when an element carries `xsi:nil="true"` (a null value). */
export function isNil(el: XmlElement): boolean {
  return Object.entries(el.attributes).some(
    ([k, v]) => localName(k) === 'nil' && v.trim() === 'true',
  )
}
