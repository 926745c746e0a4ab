// Opens the store: FORCEBRIDGE_HOME (created with mode 0700), its database brought up to date,
// the master key loaded, and the repositories over them, on the database or one transaction.
import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { ForcebridgeError } from '../util/index.js'
import { AdminUserRepository } from './admin-user-repository.js'
import { AuditRepository } from './audit-repository.js'
import { BulkJobRepository } from './bulk-job-repository.js'
import { ChannelRepository } from './channel-repository.js'
import { ClusterNodeRepository } from './cluster-node-repository.js'
import { ConnectionRepository } from './connection-repository.js'
import type {
  Database,
  DatabaseDialect,
  DatabaseTarget,
  SqliteSynchronous,
  StoreWarn,
} from './database.js'
import { describeDatabase } from './database-location.js'
import type { DatabaseSchema } from './database-schema.js'
import { JobRepository } from './job-repository.js'
import { loadMasterKey } from './master-key-source.js'
import { migrateDatabase } from './migrate-database.js'
import { openDatabase } from './open-database.js'
import { ScheduleRepository } from './schedule-repository.js'
import { verifyMasterKey } from './master-key-check.js'
import { SecretBox } from './secret-box.js'
import { SecurityRepository } from './security-repository.js'
import { ServiceFileRepository } from './service-file-repository.js'
import { SettingRepository } from './setting-repository.js'
import type { ChangeNotifier } from './change-notifier.js'
import { StoreRevision } from './store-revision.js'
import { SubscriptionRepository } from './subscription-repository.js'
import { DeadLetterRepository } from './dead-letter-repository.js'

export const DATABASE_FILE = 'forcebridge.db'

export interface StoreOptions {
  /** The data folder (FORCEBRIDGE_HOME). Created with mode 0700 when missing. */
  home: string
  /** Base64 of a 32-byte master key (FORCEBRIDGE_SECRET_KEY); default: `<home>/secret.key`. */
  secretKey?: string
  /** When a commit reaches the disk; see SqliteSynchronous. Default `full`. */
  sqliteSynchronous?: SqliteSynchronous
  /**
   * Where the database is (FORCEBRIDGE_DATABASE_URL): a PostgreSQL target, or a SQLite file.
   * Default: SQLite in `<home>/forcebridge.db`. The master key still comes from `secretKey` or
   * the home folder whatever the database.
   */
  database?: DatabaseTarget
  /** Told of trouble the store gets over by itself (a dropped LISTEN connection). Default: console.warn. */
  warn?: StoreWarn
}

/**
 * The repositories, all on one database handle: the whole database (the `Store`), or one
 * transaction (what `transaction()` hands its callback). A function that takes a StoreScope
 * runs the same either way.
 */
export interface StoreScope {
  readonly dialect: DatabaseDialect
  readonly connections: ConnectionRepository
  readonly channels: ChannelRepository
  readonly security: SecurityRepository
  readonly settings: SettingRepository
  readonly adminUsers: AdminUserRepository
  readonly audit: AuditRepository
  /** The job queue's tables; src/runtime/queue/ is their one user. */
  readonly jobs: JobRepository
  /** The scheduler's table; src/runtime/scheduler/ is its one user. */
  readonly schedules: ScheduleRepository
  /** The Bulk journal of async jobs; src/runtime/bulk/ is its one user. */
  readonly bulkJobs: BulkJobRepository
  /** The running nodes of a cluster and their heartbeats. */
  readonly nodes: ClusterNodeRepository
  /** Service files deployed to every node (`forcebridge deploy` on a shared store). */
  readonly serviceFiles: ServiceFileRepository
  /** Event subscriptions; src/runtime/events/ is their one consumer. */
  readonly subscriptions: SubscriptionRepository
  /** The batches event subscriptions parked after their last failed attempt. */
  readonly deadLetters: DeadLetterRepository
  /**
   * Runs `fn` with a scope bound to one transaction: its writes commit together when `fn`
   * resolves and are rolled back when it throws. Inside a transaction, `fn` joins it. Use only
   * the scope given to `fn` inside it: on SQLite the transaction holds the one connection, so a
   * call through the outer store would wait for the transaction to end.
   *
   * @example
   * await store.transaction(async (tx) => {
   *   const { definition } = await tx.security.create({ kind: 'api_key', name: 'partner' })
   *   await tx.channels.add({ method: 'POST', path: '/orders', service: 'order.create',
   *     securityDefinitionId: definition.id })
   * })
   */
  transaction<T>(fn: (tx: StoreScope) => Promise<T>): Promise<T>
}

export interface Store extends StoreScope {
  readonly home: string
  /** Where the database is, without secrets: a file path or a redacted PostgreSQL URL. */
  readonly location: string
  /**
   * A token that changes whenever connections, channels, security definitions or settings may
   * have changed (in this process or another one sharing the database): cache what you read
   * under it.
   */
  revision(): string
  /** The same token as `revision()`, and a subscription to its changes. */
  readonly changes: ChangeNotifier
  /**
   * Seals values under the store's master key for whoever keeps them outside the database
   * (the Redis token cache): the key file is read once, at open, for both.
   */
  readonly sealer: Pick<SecretBox, 'seal' | 'open'>
  /** Resolves when the database answers a trivial query (readiness checks). */
  ping(): Promise<void>
  close(): Promise<void>
}

/** Opens (and migrates) the store in `options.home`, on `options.database` when given. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const { home } = options
  makeHome(home)
  const box = new SecretBox(loadMasterKey(home, options.secretKey))
  const target = storeTarget(options)
  const database = await openDatabase(target, options.warn ? { warn: options.warn } : {})
  const location = describeDatabase(target)
  let store: Store
  try {
    await migrateDatabase(database.db, database.dialect, location)
    const revision = new StoreRevision(() => database.externalVersion())
    // Started once the migrations made the revision row; from now on other processes' commits
    // are heard of as they happen (PostgreSQL), not only when the token is next read.
    await database.watchExternalChanges?.(() => revision.externalChanged())
    store = createStore(home, location, database, box, revision)
    await verifyMasterKey(store.settings, location)
  } catch (error) {
    await database.close()
    throw error
  }
  return store
}

/** The database a store's options name: `options.database`, else SQLite in the home folder. */
export function storeTarget(options: StoreOptions): DatabaseTarget {
  if (options.database) return options.database
  return {
    dialect: 'sqlite',
    file: join(options.home, DATABASE_FILE),
    ...(options.sqliteSynchronous ? { synchronous: options.sqliteSynchronous } : {}),
  }
}

/** Creates the home folder (mode 0700) when missing; STORE_UNAVAILABLE when it cannot. */
export function makeHome(home: string): void {
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 })
    chmodSync(home, 0o700)
  } catch (cause) {
    throw new ForcebridgeError(
      'STORE_UNAVAILABLE',
      `cannot create the data folder ${home}; set FORCEBRIDGE_HOME to a folder you can write`,
      { cause },
    )
  }
}

function createStore(
  home: string,
  location: string,
  database: Database,
  box: SecretBox,
  revision: StoreRevision,
): Store {
  const scope = (db: Kysely<DatabaseSchema>): StoreScope => {
    const repositories = {
      dialect: database.dialect,
      connections: new ConnectionRepository(db, box, revision),
      channels: new ChannelRepository(db, revision),
      security: new SecurityRepository(db, box, revision),
      settings: new SettingRepository(db, box, revision),
      adminUsers: new AdminUserRepository(db),
      audit: new AuditRepository(db),
      jobs: new JobRepository(db, database.dialect),
      schedules: new ScheduleRepository(db),
      bulkJobs: new BulkJobRepository(db),
      nodes: new ClusterNodeRepository(db),
      serviceFiles: new ServiceFileRepository(db, revision),
      subscriptions: new SubscriptionRepository(db),
      deadLetters: new DeadLetterRepository(db),
    }
    const bound: StoreScope = {
      ...repositories,
      transaction: async <T>(fn: (tx: StoreScope) => Promise<T>): Promise<T> => {
        if (db.isTransaction) return fn(bound)
        const result = await db.transaction().execute((trx) => fn(scope(trx)))
        // The repositories bumped it as they wrote; once more now that it is all visible, so
        // nothing cached in between outlives the commit.
        revision.bump()
        return result
      },
    }
    return bound
  }
  return {
    ...scope(database.db),
    home,
    location,
    revision: () => revision.current(),
    changes: revision,
    sealer: { seal: (plain, context) => box.seal(plain, context), open: (v, c) => box.open(v, c) },
    async ping() {
      await sql`select 1`.execute(database.db)
    },
    close: () => {
      revision.close()
      return database.close()
    },
  }
}
