// The docs' tables of error codes checked against the error catalogue (src/util/error-catalogue.ts):
// a code a table lists exists with the documented status, and every code a channel caller can
// get is in the channels' answer table.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { catalogueEntry, errorCatalogue } from '../../src/util/index.js'

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8')

/** Rows (cells) of every markdown table whose first header cell is `first`. */
function tables(text: string, first: string): string[][] {
  const rows: string[][] = []
  let inside = false
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      inside = false
      continue
    }
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim())
    if (/^-+$/.test(cells[0] ?? '')) continue
    if (!inside) {
      inside = cells[0] === first
      continue
    }
    rows.push(cells)
  }
  return rows
}

/** The status a channel answers a code with, or undefined when channels never answer it. */
function channelStatus(code: string): number | undefined {
  const entry = catalogueEntry(code)
  if (!entry?.channel || entry.channel.shows === 'none')
    return code === 'INTERNAL_ERROR' ? 500 : undefined
  return entry.channel.status ?? entry.status
}

const answers = tables(doc('channels.md'), 'status').flatMap(([status, body]) =>
  [...(body ?? '').matchAll(/"([A-Z][A-Z_]+)"/g)].map((m) => ({
    code: m[1]!,
    status: Number(status),
  })),
)

describe('docs/channels.md answer table', () => {
  it('lists codes of the catalogue with the status a channel answers them with', () => {
    expect(answers.length).toBeGreaterThan(10)
    for (const { code, status } of answers) {
      expect({ code, status: channelStatus(code) }).toEqual({ code, status })
    }
  })

  it('lists every code a channel caller can get', () => {
    const documented = new Set(answers.map((a) => a.code))
    const visible = Object.keys(errorCatalogue).filter((code) => channelStatus(code) !== undefined)
    expect(visible.filter((code) => !documented.has(code))).toEqual([])
  })

  it("gives the limits' answers the catalogue's status", () => {
    const limits = tables(doc('channels.md'), 'limit').flatMap(([, answer]) =>
      [...(answer ?? '').matchAll(/(\d{3}) \{"error":"([A-Z_]+)"/g)].map((m) => ({
        code: m[2]!,
        status: Number(m[1]),
      })),
    )
    expect(limits.length).toBe(3)
    for (const { code, status } of limits)
      expect({ code, status: channelStatus(code) }).toEqual({ code, status })
  })
})

describe('tables of codes in the other docs', () => {
  // The client's table also lists Salesforce's own codes (class SalesforceApiError only): not ours.
  const listed = ['client.md', 'config.md', 'database.md', 'jobs.md'].flatMap((name) =>
    tables(doc(name), 'code')
      .filter((cells) => cells[1] !== '`SalesforceApiError`')
      .flatMap(([first]) =>
        [...(first ?? '').matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => `${name} ${m[1]!}`),
      ),
  )

  it('name only codes of the catalogue', () => {
    expect(listed.length).toBeGreaterThan(25)
    expect(listed.filter((item) => !catalogueEntry(item.split(' ')[1]!))).toEqual([])
  })
})
