// Salesforce's date and datetime wire formats (salesforce-api.md §2.7): datetimes are
// answered as `2024-03-20T21:42:13.000+0000` (UTC, milliseconds, no colon in the offset).

/** `2024-03-20T21:42:13.000+0000` */
export function formatDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000')
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
// Accepts `Z`, `+00:00`, `+0000`, or no offset (read as UTC), with or without seconds/millis.
const DATETIME =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/

/** A canonical `YYYY-MM-DD` date, or undefined when `text` is not a real date. */
export function parseDate(text: string): string | undefined {
  const m = DATE.exec(text)
  if (!m) {
    // A datetime given for a date field keeps its date part, as Salesforce does.
    const dt = parseDateTime(text)
    return dt === undefined ? undefined : dt.slice(0, 10)
  }
  const d = new Date(`${text}T00:00:00Z`)
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) return undefined
  return text
}

/** The canonical datetime string, or undefined when `text` is not a datetime. */
export function parseDateTime(text: string): string | undefined {
  const m = DATETIME.exec(text)
  if (!m) return undefined
  const [, date, hh, mm, ss = '00', frac = '', zone = 'Z'] = m
  const millis = frac === '' ? '.000' : (frac + '000').slice(0, 4)
  const offset =
    zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
  const d = new Date(`${date}T${hh}:${mm}:${ss}${millis}${offset}`)
  if (Number.isNaN(d.getTime())) return undefined
  return formatDateTime(d)
}

/** An RFC 7231 HTTP date (Last-Modified) from a Salesforce datetime string. */
export function httpDate(sfDateTime: string): string {
  return new Date(sfDateTime.replace('+0000', 'Z')).toUTCString()
}
