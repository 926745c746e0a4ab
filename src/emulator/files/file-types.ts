// ContentVersion.FileType and the Content-Type its bytes are served with, from the file's
// extension, as Salesforce classifies uploads.

const TYPES: Record<string, [fileType: string, mime: string]> = {
  pdf: ['PDF', 'application/pdf'],
  png: ['PNG', 'image/png'],
  jpg: ['JPG', 'image/jpeg'],
  jpeg: ['JPG', 'image/jpeg'],
  gif: ['GIF', 'image/gif'],
  txt: ['TEXT', 'text/plain'],
  csv: ['CSV', 'text/csv'],
  json: ['JSON', 'application/json'],
  xml: ['XML', 'application/xml'],
  html: ['HTML', 'text/html'],
  htm: ['HTML', 'text/html'],
  zip: ['ZIP', 'application/zip'],
  doc: ['WORD', 'application/msword'],
  docx: ['WORD_X', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  xls: ['EXCEL', 'application/vnd.ms-excel'],
  xlsx: ['EXCEL_X', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ppt: ['POWER_POINT', 'application/vnd.ms-powerpoint'],
  pptx: [
    'POWER_POINT_X',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ],
  mp4: ['MP4', 'video/mp4'],
}

/** The lower-case extension of a client path (`C:\\docs\\Q1 Report.PDF` → `pdf`), or ''. */
export function extensionOf(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? ''
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}

/** The file name without its folders and extension, Salesforce's default Title. */
export function titleOf(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? ''
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(0, dot) : name
}

export function fileTypeOf(extension: string): string {
  return TYPES[extension]?.[0] ?? 'UNKNOWN'
}

export function mimeTypeOf(extension: string): string {
  return TYPES[extension]?.[1] ?? 'application/octet-stream'
}
