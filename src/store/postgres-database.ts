// The PostgreSQL database of a store: Kysely's PostgresDialect over a pg Pool, checked with one
// query when opened so a wrong URL fails at start with a message that says what to fix, and a
// revision kept in memory by a LISTEN connection (postgres-revision-watcher.ts).
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { ForcebridgeError } from '../util/index.js'
import type { Database, StoreWarn } from './database.js'
import { postgresServer } from './database-location.js'
import type { DatabaseSchema } from './database-schema.js'
import { PostgresRevisionWatcher } from './postgres-revision-watcher.js'

/**
 * Connections the pool opens at most, by default (FORCEBRIDGE_DATABASE_POOL_SIZE): a few workers,
 * the HTTP server and the scheduler share them. The LISTEN connection is one more.
 */
export const POSTGRES_POOL_SIZE = 10

const BIGINT_OID = 20

/**
 * Type parsers for this pool only (pg's global ones stay as they are, for other users of pg in
 * the process): BIGINT comes back as a JS number, as every bigint column holds epoch
 * milliseconds or a count, far below 2^53.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) =>
    oid === BIGINT_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : (pg.types.getTypeParser(oid, format ?? 'text') as (
          value: string,
        ) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
}

/** What a pg Client or Pool connects with: the URL, our type parsers, a name in pg_stat_activity. */
export function postgresClientConfig(url: string): pg.ClientConfig {
  return {
    connectionString: url,
    types,
    application_name: 'forcebridge',
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  }
}

export interface PostgresOptions {
  /** Told once when the LISTEN connection drops (and polling covers meanwhile). */
  warn: StoreWarn
  /** Connections the pool opens at most; default POSTGRES_POOL_SIZE. */
  poolSize?: number
}

/** Opens and checks the pool; STORE_UNAVAILABLE, naming the server but never the password. */
export async function openPostgresDatabase(
  url: string,
  options: PostgresOptions,
): Promise<Database> {
  const server = checkUrl(url)
  const pool = new pg.Pool({
    ...postgresClientConfig(url),
    max: options.poolSize ?? POSTGRES_POOL_SIZE,
    idleTimeoutMillis: 30_000,
    // Idle connections do not keep Node running; store.close() ends them anyway.
    allowExitOnIdle: true,
  })
  // An idle connection the server closed (restart, failover) is dropped by the pool, which
  // opens a new one for the next query; without a listener the 'error' event would end Node.
  pool.on('error', () => undefined)
  // The server processes behind this pool: notifications they send announce this store's own
  // writes, which its repositories have counted already (see PostgresRevisionWatcher).
  const ownProcesses = new Set<number>()
  const processOf = (client: pg.PoolClient) =>
    (client as unknown as { processID: number | null }).processID
  pool.on('connect', (client) => {
    const id = processOf(client)
    if (id !== null) ownProcesses.add(id)
  })
  pool.on('remove', (client) => {
    const id = processOf(client)
    if (id !== null) ownProcesses.delete(id)
  })
  try {
    await pool.query('select 1')
  } catch (cause) {
    await pool.end().catch(() => undefined)
    throw unavailable(server, cause)
  }
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) })
  const watcher = new PostgresRevisionWatcher({
    clientConfig: postgresClientConfig(url),
    readRevision: async () => {
      const result = await pool.query<{ revision: number }>(
        'select revision from store_revision where id = 1',
      )
      return result.rows[0]?.revision ?? 0
    },
    isOwnProcess: (processId) => ownProcesses.has(processId),
    server,
    warn: options.warn,
  })
  return {
    dialect: 'postgres',
    db,
    externalVersion: () => watcher.version,
    // Started after the migrations, which create store_revision.
    watchExternalChanges: (listener) => watcher.start(listener),
    close: async () => {
      await watcher.close()
      await db.destroy()
    },
  }
}

/** `host:port/database`, or STORE_UNAVAILABLE (without the URL, which may hold a password). */
function checkUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (!/^postgres(ql)?:$/i.test(parsed.protocol)) throw new Error('not postgres')
  } catch {
    throw new ForcebridgeError(
      'STORE_UNAVAILABLE',
      'FORCEBRIDGE_DATABASE_URL is not a valid PostgreSQL URL; write it as ' +
        'postgres://user:password@host:5432/database (percent-encode special characters)',
    )
  }
  return postgresServer(url)
}

function unavailable(server: string, cause: unknown): ForcebridgeError {
  const code = (cause as { code?: string }).code
  // Node's AggregateError for a refused connection has an empty message and a code.
  const why = (cause instanceof Error && cause.message) || code || String(cause)
  const database = server.slice(server.indexOf('/') + 1)
  let advice: string
  if (code === '3D000') {
    advice = `database '${database}' does not exist there; create it (createdb ${database}) or fix FORCEBRIDGE_DATABASE_URL`
  } else if (code === '28P01' || code === '28000') {
    advice = 'the server refused the login; check the user and password in FORCEBRIDGE_DATABASE_URL'
  } else if (code === '57P03') {
    advice = 'the server is starting up or shutting down; try again in a moment'
  } else {
    advice =
      'check that the server runs and accepts connections from here, and that ' +
      'FORCEBRIDGE_DATABASE_URL names it (unset it to use SQLite in FORCEBRIDGE_HOME)'
  }
  return new ForcebridgeError(
    'STORE_UNAVAILABLE',
    `cannot open the PostgreSQL store at ${server} (${why}): ${advice}`,
    { cause },
  )
}
