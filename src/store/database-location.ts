// Where a database is, said safely: a PostgreSQL URL's password never leaves this module, so
// logs, errors, `db status` and /readyz can name the database without leaking its credentials.
import type { DatabaseTarget } from './database.js'

/**
 * The URL with its password (and any `password=` query parameter) replaced by `***`.
 *
 * @example
 * redactDatabaseUrl('postgres://fb:s3cret@db.internal:5432/forcebridge')
 * // 'postgres://fb:***@db.internal:5432/forcebridge'
 */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass/i.test(key)) parsed.searchParams.set(key, '***')
    }
    return parsed.toString()
  } catch {
    // Not a URL the WHATWG parser reads: drop everything between the scheme and an `@`.
    return url.replace(/\/\/[^@/]*@/, '//***@')
  }
}

/** Host, port and database name of a PostgreSQL URL, for messages: `db.internal:5432/forcebridge`. */
export function postgresServer(url: string): string {
  try {
    const parsed = new URL(url)
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)'
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`
  } catch {
    return redactDatabaseUrl(url)
  }
}

/** The target in words, secrets left out: a SQLite file's path or a redacted PostgreSQL URL. */
export function describeDatabase(target: DatabaseTarget): string {
  return target.dialect === 'sqlite' ? target.file : redactDatabaseUrl(target.url)
}
