// `forcebridge bulk import|export`: CSV files in and out of Salesforce through Bulk API 2.0,
// streamed (the file is never held in memory), with progress on stderr and a summary on stdout.
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Readable, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import type { TrackedBulkJob } from '../runtime/index.js'
import type { IngestOperation, JobInfo, SalesforceClient } from '../salesforce/index.js'
import { ForcebridgeError } from '../util/index.js'
import { withStore } from './cli-context.js'
import { ProgressReporter, formatElapsed, rateOf } from './progress-reporter.js'
import { cell, formatTable } from './text-table.js'

const OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const

/** The flags of `bulk import`, checked. */
async function importFlagsOf(raw: unknown) {
  const { z } = await import('zod')
  const importFlags = z.object({
    object: z.string().min(1),
    operation: z.string(),
    externalId: z.string().min(1).optional(),
    connection: z.string().min(1),
  })
  return importFlags.parse(raw)
}

// A CLI waits in front of a person: poll a little more often than the library's 15 s ceiling
// so the bar moves, still backing off so a long job costs few status calls.
const POLL = { initialDelayMs: 1000, maxDelayMs: 5000, factor: 1.5 }

export function bulkCommand(program: Command): void {
  const bulk = program.command('bulk').description('move CSV data in and out with Bulk API 2.0')
  bulk
    .command('import <file>')
    .description('load a CSV file (header row of field API names) with Bulk API 2.0 ingest jobs')
    .requiredOption('-o, --object <name>', 'sObject to load, e.g. Account')
    .requiredOption('--operation <op>', `one of ${OPERATIONS.join(', ')}`)
    .option('--external-id <field>', 'external id field (required for upsert)')
    .requiredOption('-c, --connection <name>', 'connection to use')
    .action(async (file: string, raw: unknown) => {
      const flags = await importFlagsOf(raw)
      const operation = checkOperation(flags.operation, flags.externalId)
      const path = await checkFile(file)
      const { clientFor } = await import('../runtime/connections/index.js')
      await withStore(async ({ store, log }) => {
        const client = clientFor(await store.connections.credentials(flags.connection), log)
        try {
          const failed = await runImport(client, path, flags.object, operation, flags.externalId)
          if (failed) process.exitCode = 2
        } finally {
          await client.close()
        }
      })
    })
  bulk
    .command('export <soql>')
    .description('export a SOQL query as CSV with a Bulk API 2.0 query job')
    .requiredOption('-c, --connection <name>', 'connection to use')
    .option('--out <file>', 'write the CSV to this file instead of stdout')
    .action(async (soql: string, flags: { connection: string; out?: string }) => {
      const { clientFor } = await import('../runtime/connections/index.js')
      await withStore(async ({ store, log }) => {
        const client = clientFor(await store.connections.credentials(flags.connection), log)
        try {
          await runExport(client, soql, flags.out)
        } finally {
          await client.close()
        }
      })
    })
  bulk
    .command('jobs')
    .description('list Bulk calls made by async jobs, tracked so that a restart resumes them')
    .option('--limit <n>', 'at most this many, newest first', '50')
    .option('--json', 'print JSON')
    .action(async (flags: { limit: string; json?: boolean }) => {
      const limit = Number(flags.limit)
      if (!Number.isInteger(limit) || limit < 1) {
        throw new ForcebridgeError(
          'INVALID_ARGUMENTS',
          `--limit ${flags.limit}: give a whole number above 0`,
        )
      }
      const { BulkJobStore } = await import('../runtime/index.js')
      await withStore(async ({ store }) => {
        const tracked = await new BulkJobStore(store).list({ limit })
        if (flags.json) return print(JSON.stringify(tracked, null, 2))
        if (tracked.length === 0) return print('no tracked bulk jobs')
        print(formatTrackedJobs(tracked, Date.now()))
      })
    })
}

function print(text: string): void {
  process.stdout.write(`${text}\n`)
}

/** `42s`, `7m`, `3h`, `2d`: the largest whole unit. */
function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m`
  if (s < 86_400) return `${Math.floor(s / 3600)}h`
  return `${Math.floor(s / 86_400)}d`
}

/** The `bulk jobs` table: one line per call, its Salesforce job ids comma-separated. */
export function formatTrackedJobs(tracked: readonly TrackedBulkJob[], now: number): string {
  const rows = tracked.map((t) => [
    cell(t.jobIds.join(',')),
    t.object,
    t.operation,
    t.state,
    String(t.recordsProcessed),
    String(t.recordsFailed),
    formatAge(now - t.createdAt.getTime()),
    cell(t.key),
  ])
  return formatTable(
    ['id', 'object', 'operation', 'state', 'processed', 'failed', 'age', 'invocation'],
    rows,
  )
}

function checkOperation(op: string, externalId: string | undefined): IngestOperation {
  const found = OPERATIONS.find((o) => o.toLowerCase() === op.toLowerCase())
  if (!found) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `unknown operation '${op}'; use one of ${OPERATIONS.join(', ')}`,
    )
  }
  if (found === 'upsert' && !externalId) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      'upsert needs --external-id <field>, the external id field that matches rows to records',
    )
  }
  return found
}

async function checkFile(file: string): Promise<string> {
  const path = resolve(file)
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new ForcebridgeError(
      'FILE_NOT_FOUND',
      `cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}; check the path`,
      { cause: err },
    )
  })
  if (!info.isFile()) {
    throw new ForcebridgeError('INVALID_INPUT', `${path} is not a file; give a CSV file`)
  }
  return path
}

/** Reads the header, then yields each row as a record keyed by it, counting rows as they go. */
async function openCsv(
  path: string,
  counted: (sent: number, bytesRead: number) => void,
): Promise<{ header: string[]; records: AsyncGenerator<Record<string, string>> }> {
  const { parse } = await import('csv-parse')
  const input: ReadStream = createReadStream(path)
  const parser = input.pipe(parse({ bom: true }))
  input.on('error', (err) => parser.destroy(err))
  const it = (parser as AsyncIterable<string[]>)[Symbol.asyncIterator]()
  const first = await it.next()
  if (first.done)
    throw new ForcebridgeError('INVALID_INPUT', `${path} is empty; it needs a header row`)
  const header = first.value
  const dup = header.find((h, i) => header.indexOf(h) !== i)
  if (dup !== undefined || header.some((h) => h.trim() === '')) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `${path}: the header row must name each column once (${dup === undefined ? 'an empty name' : `'${dup}' twice`})`,
    )
  }
  async function* records(): AsyncGenerator<Record<string, string>> {
    let sent = 0
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const rec: Record<string, string> = {}
      header.forEach((h, i) => (rec[h] = r.value[i] ?? ''))
      sent++
      counted(sent, input.bytesRead)
      yield rec
    }
  }
  return { header, records: records() }
}

async function runImport(
  client: SalesforceClient,
  path: string,
  object: string,
  operation: IngestOperation,
  externalId: string | undefined,
): Promise<boolean> {
  const size = (await stat(path)).size
  const progress = new ProgressReporter({
    out: process.stderr,
    tty: process.stderr.isTTY === true,
    label: 'bulk import',
  })
  const processed = new Map<string, JobInfo>()
  let sent = 0
  const showJobs = (phase?: string) => {
    const jobs = [...processed.values()]
    const p = jobs.reduce((n, j) => n + (j.numberRecordsProcessed ?? 0), 0)
    const f = jobs.reduce((n, j) => n + (j.numberRecordsFailed ?? 0), 0)
    progress.update({
      processed: p,
      failed: f,
      fraction: sent > 0 ? p / sent : 0,
      ...(phase ? { phase } : {}),
    })
  }
  try {
    progress.update({ phase: 'uploading' })
    const { header, records } = await openCsv(path, (n, bytes) => {
      sent = n
      if (n % 500 === 0) progress.update({ sent: n, fraction: size > 0 ? bytes / size : 0 })
    })
    const result = await client.data.bulk.ingest(
      {
        object,
        operation,
        columns: header,
        ...(externalId ? { externalIdFieldName: externalId } : {}),
        poll: {
          ...POLL,
          onProgress: (job) => {
            processed.set(job.id, job)
            showJobs()
          },
        },
      },
      records,
    )
    progress.update({ sent })
    showJobs('writing failed rows')
    const failedPath = `${path}.failed.csv`
    const jobs = result.jobs
    const failedCount = jobs.reduce((n, j) => n + (j.numberRecordsFailed ?? 0), 0)
    const unfinished = jobs.filter((j) => j.state !== 'JobComplete')
    const written =
      failedCount > 0 || unfinished.length > 0
        ? await writeFailedRows(client, jobs, header, failedPath)
        : 0
    showJobs('done')
    progress.stop()
    const processedCount = jobs.reduce((n, j) => n + (j.numberRecordsProcessed ?? 0), 0)
    const ms = progress.elapsedMs()
    const lines = [
      `jobs:        ${jobs.length} (${jobs.map((j) => `${j.id} ${j.state}`).join(', ')})`,
      `sent:        ${result.recordsUploaded}`,
      `processed:   ${processedCount}`,
      `succeeded:   ${processedCount - failedCount}`,
      `failed:      ${written}`,
      `elapsed:     ${formatElapsed(ms)}`,
      `rate:        ${rateOf(processedCount, ms)} records/s`,
    ]
    if (written > 0) lines.push(`failed rows: ${failedPath}`)
    for (const j of unfinished)
      lines.push(`job ${j.id} ended ${j.state}${j.errorMessage ? `: ${j.errorMessage}` : ''}`)
    console.log(lines.join('\n'))
    return written > 0
  } finally {
    progress.stop()
  }
}

/**
 * Writes every failed row (its columns as uploaded, then `sf__Error` as Salesforce wrote it)
 * and, for a job that ended Failed or Aborted, its unprocessed rows with an error naming the
 * job. Returns the number of rows written.
 */
async function writeFailedRows(
  client: SalesforceClient,
  jobs: JobInfo[],
  header: string[],
  path: string,
): Promise<number> {
  let count = 0
  async function* rows(): AsyncGenerator<string[]> {
    yield [...header, 'sf__Error']
    for (const job of jobs) {
      for await (const row of resultRows(client, job.id, 'failedResults')) {
        count++
        yield [...header.map((h) => row[h] ?? ''), row.sf__Error ?? '']
      }
      if (job.state === 'JobComplete') continue
      const why = `UNPROCESSED:job ${job.id} ended ${job.state}${job.errorMessage ? `: ${job.errorMessage}` : ''}`
      for await (const row of resultRows(client, job.id, 'unprocessedrecords')) {
        count++
        yield [...header.map((h) => row[h] ?? ''), why]
      }
    }
  }
  const { stringify } = await import('csv-stringify')
  await pipeline(
    Readable.from(rows()),
    stringify({ record_delimiter: 'unix' }),
    createWriteStream(path),
  )
  return count
}

/** One results file of an ingest job (salesforce-api.md §6.1), parsed as it streams in. */
async function* resultRows(
  client: SalesforceClient,
  jobId: string,
  file: 'failedResults' | 'unprocessedrecords',
): AsyncGenerator<Record<string, string>> {
  const { parse } = await import('csv-parse')
  const res = await client.request<Readable>({
    method: 'GET',
    path: `jobs/ingest/${jobId}/${file}`,
    headers: { Accept: 'text/csv' },
    responseType: 'stream',
  })
  yield* res.body.pipe(parse({ bom: true, columns: true })) as AsyncIterable<Record<string, string>>
}

async function runExport(client: SalesforceClient, soql: string, outFile?: string): Promise<void> {
  const progress = new ProgressReporter({
    out: process.stderr,
    tty: process.stderr.isTTY === true,
    label: 'bulk export',
  })
  const query = client.data.bulk.query(soql, {
    poll: { ...POLL, onProgress: (job) => progress.update({ phase: `query job ${job.state}` }) },
  })
  let bytes = 0
  let lines = 0
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of query.csv()) {
      bytes += chunk.length
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines++
      const total = query.job?.numberRecordsProcessed ?? 0
      // Lines, less the header, approximate rows (a quoted value may hold a line break).
      progress.update({
        phase: 'writing',
        sent: Math.max(0, lines - 1),
        fraction: total ? (lines - 1) / total : 0,
      })
      yield chunk
    }
  }
  try {
    if (outFile) await pipeline(Readable.from(counted()), createWriteStream(resolve(outFile)))
    else for await (const chunk of counted()) await write(process.stdout, chunk)
    const total = query.job?.numberRecordsProcessed ?? Math.max(0, lines - 1)
    progress.update({ phase: 'done', sent: total, processed: total })
    progress.stop()
    process.stderr.write(
      `bulk export: ${total} records, ${bytes} bytes${outFile ? ` to ${resolve(outFile)}` : ''}, job ${query.jobId ?? '-'}, ${formatElapsed(progress.elapsedMs())}\n`,
    )
  } finally {
    progress.stop()
  }
}

/** Writes a chunk, waiting when the pipe is full, so a slow reader slows the paging. */
function write(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((done) => {
    if (out.write(chunk)) done()
    else out.once('drain', done)
  })
}
