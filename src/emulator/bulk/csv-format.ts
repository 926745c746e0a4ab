// CSV as Bulk API 2.0 speaks it: the documented column delimiters and line endings, UTF-8,
// a header row of field names, and every value quoted in result files (salesforce-api.md §6).

import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { parseSimpleCsv } from './fast-csv.js'

export const COLUMN_DELIMITERS = {
  COMMA: ',',
  TAB: '\t',
  PIPE: '|',
  SEMICOLON: ';',
  CARET: '^',
  BACKQUOTE: '`',
} as const
export type ColumnDelimiter = keyof typeof COLUMN_DELIMITERS

export const LINE_ENDINGS = { LF: '\n', CRLF: '\r\n' } as const
export type LineEnding = keyof typeof LINE_ENDINGS

export interface CsvFormat {
  columnDelimiter: ColumnDelimiter
  lineEnding: LineEnding
}

export interface CsvTable {
  columns: string[]
  rows: string[][]
}

/**
 * Parses uploaded CSV. Throws Error with csv-parse's description when the text is not
 * valid CSV for this delimiter (the job then fails with InvalidBatch).
 */
export function parseCsv(text: string, format: CsvFormat): CsvTable {
  const [columns = [], ...rows] = parseRecords(text, format)
  return { columns: columns.map((c) => c.trim()), rows }
}

/**
 * Every record of CSV text, the header included (`bom`: a leading byte-order mark is not
 * data). Throws Error with csv-parse's description when the text is not valid CSV.
 */
export function parseRecords(text: string, format: CsvFormat, bom = true): string[][] {
  const delimiter = COLUMN_DELIMITERS[format.columnDelimiter]
  return (
    parseSimpleCsv(text, delimiter, bom) ??
    parse(text, { delimiter, bom, skip_empty_lines: true, relax_quotes: false })
  )
}

/**
 * One CSV line as writeCsv writes it (every non-empty value quoted, quotes doubled, empty
 * values bare), ended by the job's line ending: result files are built line by line from
 * stored lines, so a page never needs its rows as arrays.
 */
export function csvLine(cells: readonly string[], format: CsvFormat): string {
  let line = ''
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += COLUMN_DELIMITERS[format.columnDelimiter]
    const v = cells[i]!
    if (v !== '') line += `"${v.replaceAll('"', '""')}"`
  }
  return line + LINE_ENDINGS[format.lineEnding]
}

/** Writes a CSV file with a header, every value quoted as Salesforce's result files are. */
export function writeCsv(columns: string[], rows: string[][], format: CsvFormat): string {
  if (columns.length === 0) return ''
  return stringify([columns, ...rows], {
    delimiter: COLUMN_DELIMITERS[format.columnDelimiter],
    record_delimiter: LINE_ENDINGS[format.lineEnding],
    quoted: true,
  })
}
