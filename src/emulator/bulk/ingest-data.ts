// A Bulk API 2.0 ingest job's data kept out of the heap: the uploaded CSV, cut into pieces at
// record boundaries, and one outcome per processed row, both in the ResultStore (a temporary
// SQLite file). Rows are parsed a piece at a time while the job runs, and again when a result
// file is asked for, so a job of a million rows holds one piece in memory, finished or not.

import type { ResultStore, StoredResult } from '../data/result-store.js'
import { csvLine, parseCsv, parseRecords, type CsvFormat } from './csv-format.js'

/**
 * Characters of upload per stored piece, about 1,300 rows of a narrow CSV. A piece's parsed
 * rows live while they are written: pieces of 256 KB lived long enough to reach the old
 * generation and doubled a Bulk insert's garbage-collection time.
 */
const PIECE_CHARS = 32 * 1024

/** Outcomes buffered in memory before they are written to the store. */
const OUTCOMES_PER_WRITE = 2000

/** CSV lines joined into one string of a result file as it is sent. */
const LINES_PER_SEND = 2000

export type ResultKind = 'successful' | 'failed'

export class IngestData {
  private readonly upload: StoredResult
  /** The trimmed header, once check() has parsed the upload. */
  private header: string[] | undefined
  /** The piece the header is in (the first one, unless the upload opens with blank lines). */
  private headerPiece: number | undefined
  /** Rows per stored piece, from check(): rows(from) skips whole pieces without parsing. */
  private counts: number[] = []
  /**
   * Outcomes: `S<id>\t<created>` or `F<id>\t<sf__Error>`, one per processed row, in order,
   * stored as JSON arrays of OUTCOMES_PER_WRITE: one stored item per row cost the store more
   * than the row's own write to the org.
   */
  private outcomes: StoredResult | undefined
  private pending: string[] = []

  /** Stores an upload; an upload of blank lines only is kept as none (the job completes empty). */
  constructor(
    private readonly store: ResultStore,
    private readonly format: CsvFormat,
    text: string,
  ) {
    this.upload = store.write(text.trim() === '' ? [] : pieces(text))
  }

  /** Whether the upload has no rows to load at all (empty, or blank lines). */
  get blank(): boolean {
    return this.upload.size === 0
  }

  /**
   * Parses the whole upload once, a piece at a time: its header and how many rows it has.
   * Throws csv-parse's error for the whole text when the CSV is not valid.
   */
  check(): { columns: string[]; count: number } {
    if (this.header === undefined) {
      const counts: number[] = []
      for (const rows of this.parsedPieces()) counts.push(rows.length)
      this.counts = counts
    }
    return { columns: this.header ?? [], count: this.counts.reduce((a, b) => a + b, 0) }
  }

  /** The upload's rows from `from` on, parsed a piece at a time as the caller pulls. */
  *rows(from = 0): Generator<string[]> {
    this.check()
    let skip = from
    let first = 0
    while (first < this.counts.length && skip >= this.counts[first]!) skip -= this.counts[first++]!
    for (const rows of this.parsedPieces(first)) {
      for (let i = skip; i < rows.length; i++) yield rows[i]!
      skip = 0
    }
  }

  succeeded(id: string, created: boolean): void {
    this.outcome(`S${id}\t${created}`)
  }

  failed(id: string, error: string): void {
    this.outcome(`F${id}\t${error}`)
  }

  /**
   * A result file as Salesforce writes it (sf__Id, sf__Created or sf__Error, then the row as
   * uploaded, every value quoted), in strings of up to LINES_PER_SEND lines. `columns` is the
   * upload's header as processing parsed it (none when it never started).
   */
  *results(kind: ResultKind, columns: readonly string[]): Generator<string> {
    this.flush()
    const head = kind === 'successful' ? ['sf__Id', 'sf__Created'] : ['sf__Id', 'sf__Error']
    let out = csvLine([...head, ...columns], this.format)
    let lines = 0
    const rows = this.rows(0)
    for (const outcome of this.storedOutcomes()) {
      const row = rows.next().value as string[]
      if ((outcome[0] === 'S') !== (kind === 'successful')) continue
      const tab = outcome.indexOf('\t')
      out += csvLine([outcome.slice(1, tab), outcome.slice(tab + 1), ...row], this.format)
      if (++lines === LINES_PER_SEND) {
        yield out
        out = ''
        lines = 0
      }
    }
    if (out !== '') yield out
  }

  /**
   * The rows from `from` on with the header, as uploaded (the unprocessed records of an
   * aborted or failed job); nothing when the upload has no header or is not valid CSV.
   */
  *unprocessed(from: number): Generator<string> {
    if (this.blank) return
    try {
      this.check()
    } catch {
      return
    }
    if (this.header === undefined || this.header.length === 0) return
    let out = csvLine(this.header, this.format)
    let lines = 0
    for (const row of this.rows(from)) {
      out += csvLine(row, this.format)
      if (++lines === LINES_PER_SEND) {
        yield out
        out = ''
        lines = 0
      }
    }
    if (out !== '') yield out
  }

  /** Forgets the upload and the outcomes (a deleted job). */
  drop(): void {
    this.store.drop(this.upload.set)
    if (this.outcomes) this.store.drop(this.outcomes.set)
    this.outcomes = undefined
    this.pending = []
  }

  private *storedOutcomes(): Generator<string> {
    if (this.outcomes === undefined) return
    for (const block of this.store.items(this.outcomes.set, 0, 16))
      yield* JSON.parse(block) as string[]
  }

  private outcome(item: string): void {
    this.pending.push(item)
    if (this.pending.length >= OUTCOMES_PER_WRITE) this.flush()
  }

  private flush(): void {
    if (this.pending.length === 0) return
    this.outcomes ??= { set: this.store.open(), size: 0 }
    this.outcomes.size += this.store.append(
      this.outcomes.set,
      [JSON.stringify(this.pending)],
      this.outcomes.size,
    )
    this.pending = []
  }

  /**
   * Each stored piece's rows from piece `first` on, the header taken out of the first record.
   * csv-parse checks the rows of one piece against each other; the rows of later pieces are
   * checked against the header here. Any fault is answered with the error csv-parse gives for
   * the whole text, so a job fails with the same message however its upload was cut.
   */
  private *parsedPieces(first = 0): Generator<string[][]> {
    let index = first
    for (const piece of this.store.items(this.upload.set, first, 1)) {
      let rows: string[][]
      try {
        rows = parseRecords(piece, this.format, index === 0)
      } catch {
        throw this.wholeTextError()
      }
      // The header is the first record of the first piece that has any.
      if (this.headerPiece === undefined ? rows.length > 0 : index === this.headerPiece) {
        const header = rows.shift()!
        this.header ??= header.map((c) => c.trim())
        this.headerPiece = index
      }
      const width = this.header?.length
      if (index > 0 && rows.some((r) => r.length !== width)) throw this.wholeTextError()
      index++
      yield rows
    }
  }

  /** The error of parsing the whole upload at once (only on the failure path). */
  private wholeTextError(): Error {
    const text = [...this.store.items(this.upload.set)].join('')
    try {
      parseCsv(text, this.format)
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err))
    }
    return new Error('Invalid Record Length: a row does not have as many columns as the header')
  }
}

/**
 * The text cut into pieces of about PIECE_CHARS, each ending at a line break outside quotes
 * (where the quotes seen so far are even: inside a quoted value they are doubled), so that
 * every piece is whole CSV records.
 */
function* pieces(text: string): Generator<string> {
  let start = 0
  let scanned = 0
  let quotes = 0
  let nextQuote = text.indexOf('"')
  const countQuotes = (to: number) => {
    while (nextQuote >= 0 && nextQuote < to) {
      quotes++
      nextQuote = text.indexOf('"', nextQuote + 1)
    }
  }
  while (text.length - start > PIECE_CHARS) {
    scanned = Math.max(scanned, start + PIECE_CHARS)
    countQuotes(scanned)
    for (;;) {
      const nl = text.indexOf('\n', scanned)
      if (nl < 0) {
        yield text.slice(start)
        return
      }
      countQuotes(nl)
      scanned = nl + 1
      if (quotes % 2 === 0) break
    }
    yield text.slice(start, scanned)
    start = scanned
  }
  if (start < text.length) yield text.slice(start)
}
