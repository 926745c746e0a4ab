// The quick CSV parser of Bulk uploads answers exactly what csv-parse answers, or leaves the
// text to csv-parse: checked on many generated texts, valid and not, with every delimiter.

import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { parseSimpleCsv } from '../../src/emulator/bulk/fast-csv.js'

const ALPHABET = ['a', 'b', ' ', ',', '"', '\n', '\r', '\t', '|', ';', 'é', '\uFEFF', '1']
const DELIMITERS = [',', '\t', '|', ';', '^', '`']

function generator(seed: number) {
  let s = seed
  return (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    return s % n
  }
}

/** A small CSV text: quoted, bare and stray values, LF or CRLF, blank lines, ragged rows. */
function csvText(rnd: (n: number) => number, delimiter: string): string {
  const eol = rnd(4) === 0 ? '\r\n' : '\n'
  const width = 1 + rnd(4)
  let text = rnd(20) === 0 ? '\uFEFF' : ''
  const rows = rnd(5)
  for (let r = 0; r < rows; r++) {
    const cells: string[] = []
    for (let c = 0; c < (rnd(10) === 0 ? width + rnd(3) - 1 : width); c++) {
      let v = ''
      for (let i = rnd(4); i > 0; i--) v += ALPHABET[rnd(ALPHABET.length)]
      const mode = rnd(6)
      if (mode < 3) cells.push(`"${v.replaceAll('"', '""')}"`)
      else if (mode === 3) cells.push(v)
      else cells.push(v.replace(/["\n\r,\t|;^`]/g, ''))
    }
    text += cells.join(delimiter)
    if (r < rows - 1 || rnd(2) === 0) text += eol
    if (rnd(15) === 0) text += eol
  }
  return text
}

describe('quick CSV parser', () => {
  it('answers as csv-parse does whenever it answers', () => {
    const rnd = generator(20261206)
    let answered = 0
    for (let i = 0; i < 50_000; i++) {
      const delimiter = DELIMITERS[rnd(DELIMITERS.length)]!
      const text = csvText(rnd, delimiter)
      const bom = rnd(2) === 0
      const quick = parseSimpleCsv(text, delimiter, bom)
      if (quick === undefined) continue
      answered++
      const options = { delimiter, bom, skip_empty_lines: true, relax_quotes: false }
      expect(quick, JSON.stringify(text)).toEqual(parse(text, options))
    }
    expect(answered).toBeGreaterThan(5000)
  })

  it('reads quoted values with delimiters, doubled quotes and line breaks', () => {
    expect(
      parseSimpleCsv('Name,Note\r\n"a, b","say ""hi""\r\nthere"\r\n\r\nc,\r\n', ',', true),
    ).toEqual([
      ['Name', 'Note'],
      ['a, b', 'say "hi"\r\nthere'],
      ['c', ''],
    ])
  })
})
