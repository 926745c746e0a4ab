// A small multipart/form-data reader for the file uploads Salesforce documents: a JSON part
// (`entity_content`) and a binary part (`VersionData`), each with its own headers.

export interface Part {
  /** The `name` of the part's Content-Disposition. */
  name: string
  filename: string | null
  contentType: string | null
  data: Buffer
}

/** The boundary of a `multipart/form-data; boundary=...` content type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return m?.[1] ?? m?.[2]
}

/** The parts of a multipart body; throws on a body that does not follow the format. */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: Part[] = []
  let pos = body.indexOf(delimiter)
  if (pos < 0) throw new Error('no boundary line found in the body')
  for (;;) {
    pos += delimiter.length
    // `--` after a boundary ends the body.
    if (body.subarray(pos, pos + 2).toString() === '--') break
    const headerStart = body.indexOf('\r\n', pos) + 2
    const headerEnd = body.indexOf('\r\n\r\n', headerStart)
    if (headerStart < 2 || headerEnd < 0) throw new Error('a part has no header block')
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd)
    if (next < 0) throw new Error('a part is not closed by a boundary line')
    const headers = new Map<string, string>()
    for (const line of body.subarray(headerStart, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':')
      if (colon > 0)
        headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
    }
    const disposition = headers.get('content-disposition') ?? ''
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '',
      filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null,
      contentType: headers.get('content-type') ?? null,
      data: body.subarray(headerEnd + 4, next),
    })
    pos = next + 2
  }
  return parts
}
