// Runs work in a transaction on a database handle, or inside the one the handle already is:
// Kysely refuses to open a transaction on a Transaction, and joining the caller's is what a
// repository asked to run inside `store.transaction()` should do.
import type { Kysely, Transaction } from 'kysely'

export function inTransaction<DB, T>(
  db: Kysely<DB>,
  fn: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return fn(db)
  return db.transaction().execute((trx: Transaction<DB>) => fn(trx))
}
