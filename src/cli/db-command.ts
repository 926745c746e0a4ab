// `forcebridge db status|migrate`: where the store's database stands against this version (its
// dialect, where it is with any password hidden, applied and pending migrations, and whether a
// newer forcebridge wrote it), and bringing it up to date without starting the server; and
// `db copy --to`, which moves the SQLite home into an empty PostgreSQL database.
import type { Command } from 'commander'
import { formatTable } from './text-table.js'

export function dbCommand(program: Command): void {
  const db = program
    .command('db')
    .description(
      "the store's database: status, migrate (FORCEBRIDGE_DATABASE_URL or SQLite in FORCEBRIDGE_HOME)",
    )

  db.command('status')
    .description('show the database, its applied and pending migrations; changes nothing')
    .action(async () => {
      const { loadConfig, storeOptionsOf } = await import('../runtime/config/index.js')
      const { inspectDatabase } = await import('../store/index.js')
      const report = await inspectDatabase(storeOptionsOf(loadConfig()))
      console.log(`database: ${report.dialect} ${report.location}`)
      const rows = [
        ...report.applied.map((m) => [m.name, 'applied', m.appliedAt]),
        ...report.pending.map((name) => [name, 'pending', '']),
        ...report.unknown.map((name) => [name, 'unknown (newer forcebridge)', '']),
      ]
      console.log(formatTable(['migration', 'state', 'applied at'], rows))
      if (report.unknown.length > 0) {
        console.log(
          `schema newer than this forcebridge: ${report.unknown.length} migration(s) it does not ` +
            'know; it will refuse to start on this database (run the newer version)',
        )
        process.exitCode = 1
      } else if (report.pending.length > 0) {
        console.log(
          `${report.pending.length} pending: run \`forcebridge db migrate\` (the server also applies them when it starts)`,
        )
      } else {
        console.log('up to date')
      }
    })

  db.command('migrate')
    .description('apply pending migrations and print what was applied')
    .action(async () => {
      const { loadConfig, storeOptionsOf } = await import('../runtime/config/index.js')
      const { migrateStoreDatabase } = await import('../store/index.js')
      const result = await migrateStoreDatabase(storeOptionsOf(loadConfig()))
      console.log(`database: ${result.dialect} ${result.location}`)
      if (result.applied.length === 0) {
        console.log('up to date: no migration to apply')
        return
      }
      for (const name of result.applied) console.log(`applied ${name}`)
      console.log(`${result.applied.length} migration(s) applied`)
    })

  db.command('copy')
    .description(
      'copy the SQLite store of FORCEBRIDGE_HOME into an empty PostgreSQL database (all or nothing)',
    )
    .requiredOption('--to <url>', 'postgres:// URL of an empty database')
    .action(async (opts: { to: string }) => {
      const { loadConfig, storeOptionsOf } = await import('../runtime/config/index.js')
      const { copyStoreDatabase } = await import('../store/index.js')
      const { home } = storeOptionsOf(loadConfig())
      const result = await copyStoreDatabase({
        home,
        to: opts.to,
        warn: (message) => console.error(`warning: ${message}`),
        onTable: (table, rows) => console.log(`copied ${rows} row(s) of ${table}`),
      })
      const total = result.tables.reduce((sum, t) => sum + t.rows, 0)
      console.log(
        `secrets were copied sealed: every node on ${result.to} must use this home's master key ` +
          '(the same FORCEBRIDGE_SECRET_KEY, or a copy of its secret.key)',
      )
      console.log(
        `copied ${total} row(s) in ${result.tables.length} tables from ${result.from} to ${result.to}`,
      )
    })
}
