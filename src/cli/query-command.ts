// `forcebridge query "<SOQL>" --connection <name> [--json]`: follows every page, streaming
// rows out as they come (a table by default, a JSON array with --json).
import type { Command } from 'commander'
import { withStore } from './cli-context.js'
import { cell, formatRow, widths } from './text-table.js'

/** Rows read before the table's column widths are fixed; later rows are cut to fit. */
const WIDTH_SAMPLE = 200

type Row = Record<string, unknown>

/** Flattens a record for display: drops `attributes`, nests relationships as `Owner.Name`. */
export function flatten(record: Row, prefix = ''): Row {
  const out: Row = {}
  for (const [k, v] of Object.entries(record)) {
    if (k === 'attributes') continue
    if (v && typeof v === 'object' && !Array.isArray(v) && 'attributes' in v) {
      Object.assign(out, flatten(v as Row, `${prefix}${k}.`))
    } else {
      out[`${prefix}${k}`] = v
    }
  }
  return out
}

export function queryCommand(program: Command): void {
  program
    .command('query <soql>')
    .description('run a SOQL query through a connection and print every row')
    .requiredOption('-c, --connection <name>', 'connection to use')
    .option('--json', 'print a JSON array of records')
    .action(async (soql: string, flags: { connection: string; json?: boolean }) => {
      const { clientFor } = await import('../runtime/connections/index.js')
      const { query } = await import('../salesforce/index.js')
      await withStore(async ({ store, log }) => {
        const client = clientFor(await store.connections.credentials(flags.connection), log)
        try {
          const rows = query<Row>(client, soql)
          if (flags.json) await printJson(rows)
          else await printTable(rows)
        } finally {
          await client.close()
        }
      })
    })
}

async function printJson(rows: AsyncIterable<Row>): Promise<void> {
  let first = true
  process.stdout.write('[')
  for await (const row of rows) {
    await write(`${first ? '\n' : ',\n'}  ${JSON.stringify(row)}`)
    first = false
  }
  process.stdout.write(first ? ']\n' : '\n]\n')
}

async function printTable(rows: AsyncIterable<Row>): Promise<void> {
  let header: string[] | undefined
  let w: number[] = []
  let sample: Row[] = []
  let count = 0
  const flush = async (batch: Row[]) => {
    for (const r of batch) await write(formatRow(header?.map((h) => cell(r[h])) ?? [], w) + '\n')
  }
  for await (const record of rows) {
    count++
    if (header) {
      await flush([flatten(record)])
      continue
    }
    sample.push(flatten(record))
    if (sample.length >= WIDTH_SAMPLE) {
      ;({ header, w } = start(sample))
      await flush(sample)
      sample = []
    }
  }
  if (!header && sample.length > 0) {
    ;({ header, w } = start(sample))
    await flush(sample)
  }
  console.log(`${count} ${count === 1 ? 'record' : 'records'}`)
}

function start(sample: Row[]): { header: string[]; w: number[] } {
  const header = [...new Set(sample.flatMap((r) => Object.keys(r)))]
  const w = widths(
    header,
    sample.map((r) => header.map((h) => cell(r[h]))),
  )
  process.stdout.write(
    formatRow(header, w) +
      '\n' +
      formatRow(
        w.map((n) => '-'.repeat(n)),
        w,
      ) +
      '\n',
  )
  return { header, w }
}

/** Writes to stdout, waiting when the pipe is full, so a slow reader slows the paging. */
function write(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve()
    else process.stdout.once('drain', resolve)
  })
}
