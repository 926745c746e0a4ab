// `forcebridge bulk import|export` on real CSV files in a temp dir, run in process against the
// emulator's Bulk API 2.0, reading what the operator sees and the files written.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { ProgressReporter } from '../../src/cli/progress-reporter.js'
import { runCli } from './fixtures/run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-bulk-cli-'))
let emulator: EmulatorHandle

const ROWS = 2000
/** Rows whose Status__c is not a value of the restricted picklist (Draft, Sent, Paid). */
const BAD = new Set([7, 777, 1999])

function invoiceCsv(): string {
  const lines = ['Number__c,Amount__c,Status__c,Paid__c']
  for (let i = 0; i < ROWS; i++) {
    const status = BAD.has(i) ? 'Lost' : ['Draft', 'Sent', 'Paid'][i % 3]
    lines.push(
      `INV-${String(i).padStart(5, '0')},${(i * 1.25).toFixed(2)},${status},${i % 2 === 0}`,
    )
  }
  return lines.join('\n') + '\n'
}

type Row = Record<string, string>
const csvRows = (text: string | Buffer): Row[] => parse<Row>(text, { columns: true })

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
  Object.assign(process.env, {
    SF_PASSWORD: 'my.password',
    SF_TOKEN: 'DemoSecurityToken01',
    SF_SECRET: 'forcebridge-demo-consumer-secret',
    FORCEBRIDGE_HOME: join(dir, 'home'),
    FORCEBRIDGE_LOG_LEVEL: 'warn',
  })
  const added = await runCli(
    'connection',
    'add',
    'demo',
    '--login-url',
    emulator.url,
    '--username',
    'my.user@example.com',
    '--client-id',
    '3MVG9forcebridge.demo.consumer.key',
    '--password-env',
    'SF_PASSWORD',
    '--security-token-env',
    'SF_TOKEN',
    '--client-secret-env',
    'SF_SECRET',
    '--no-prompt',
  )
  expect(added.code, added.err).toBe(0)
})

afterAll(async () => {
  await emulator?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('forcebridge bulk import', () => {
  const file = join(dir, 'invoices.csv')

  it('loads 2,000 rows, reports the counts and writes exactly the bad rows beside the input', async () => {
    writeFileSync(file, invoiceCsv())
    const r = await runCli(
      'bulk',
      'import',
      file,
      '--object',
      'Invoice__c',
      '--operation',
      'insert',
      '--connection',
      'demo',
    )
    expect(r.code, r.err).toBe(2)
    expect(r.out).toMatch(/^processed: +2000$/m)
    expect(r.out).toMatch(/^succeeded: +1997$/m)
    expect(r.out).toMatch(/^failed: +3$/m)
    expect(r.out).toContain(`failed rows: ${file}.failed.csv`)

    const failed = csvRows(readFileSync(`${file}.failed.csv`))
    expect(Object.keys(failed[0] ?? {})).toEqual([
      'Number__c',
      'Amount__c',
      'Status__c',
      'Paid__c',
      'sf__Error',
    ])
    expect(failed.map((f) => f.Number__c).sort()).toEqual(['INV-00007', 'INV-00777', 'INV-01999'])
    for (const f of failed) {
      expect(f.Status__c).toBe('Lost')
      expect(f.sf__Error).toMatch(/^INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:/)
    }
    expect([...emulator.org.rows('Invoice__c')].length).toBe(1997)
  })

  it('writes plain progress lines to stderr when it is not a terminal', async () => {
    const small = join(dir, 'small.csv')
    writeFileSync(small, 'Number__c,Status__c\nSMALL-1,Draft\nSMALL-2,Paid\n')
    const r = await runCli(
      'bulk',
      'import',
      small,
      '-o',
      'Invoice__c',
      '--operation',
      'upsert',
      '--external-id',
      'Number__c',
      '-c',
      'demo',
    )
    expect(r.code, r.err).toBe(0)
    expect(r.err).not.toContain('\r')
    expect(r.err).toMatch(/^bulk import: done: 2 sent, 2 processed, 0 failed, \d\d:\d\d, /m)
    expect(r.out).toMatch(/^failed: +0$/m)
    expect(r.out).not.toContain('failed rows:')
    expect(existsSync(`${small}.failed.csv`)).toBe(false)
  })

  it('refuses a missing file, an unknown operation and upsert without --external-id', async () => {
    const missing = await runCli(
      'bulk',
      'import',
      join(dir, 'nope.csv'),
      '-o',
      'Account',
      '--operation',
      'insert',
      '-c',
      'demo',
    )
    expect(missing.code).toBe(1)
    expect(missing.err).toContain('no such file')

    const op = await runCli(
      'bulk',
      'import',
      file,
      '-o',
      'Account',
      '--operation',
      'merge',
      '-c',
      'demo',
    )
    expect(op.code).toBe(1)
    expect(op.err).toContain("unknown operation 'merge'; use one of insert, update, upsert")

    const upsert = await runCli(
      'bulk',
      'import',
      file,
      '-o',
      'Account',
      '--operation',
      'upsert',
      '-c',
      'demo',
    )
    expect(upsert.code).toBe(1)
    expect(upsert.err).toContain('upsert needs --external-id')
  })
})

describe('forcebridge bulk export', () => {
  it('streams the query as one CSV to stdout, with progress on stderr only', async () => {
    const r = await runCli(
      'bulk',
      'export',
      "SELECT Number__c, Amount__c, Status__c FROM Invoice__c WHERE Number__c LIKE 'INV-%'",
      '-c',
      'demo',
    )
    expect(r.code, r.err).toBe(0)
    const rows = csvRows(r.out)
    expect(rows.length).toBe(1997)
    const lines = r.out.split('\n')
    expect(lines[0]).toBe('"Number__c","Amount__c","Status__c"')
    expect(lines.filter((l) => l.includes('Number__c')).length).toBe(1)
    const byNumber = new Map(rows.map((row) => [row.Number__c, row]))
    expect(byNumber.get('INV-00010')).toMatchObject({ Amount__c: '12.5', Status__c: 'Sent' })
    expect(byNumber.get('INV-01997')).toMatchObject({ Amount__c: '2496.25', Status__c: 'Paid' })
    expect(byNumber.has('INV-00777')).toBe(false)
    expect(r.err).toMatch(/bulk export: 1997 records/)
  })

  it('writes to --out when given', async () => {
    const out = join(dir, 'export.csv')
    const r = await runCli(
      'bulk',
      'export',
      'SELECT Number__c FROM Invoice__c',
      '-c',
      'demo',
      '--out',
      out,
    )
    expect(r.code, r.err).toBe(0)
    expect(r.out).toBe('')
    const rows = csvRows(readFileSync(out))
    expect(rows.length).toBe(1999)
  })
})

describe('progress on a terminal', () => {
  it('redraws one line in place with the bar, counts, elapsed time and rate', () => {
    let now = 0
    const out: string[] = []
    const progress = new ProgressReporter({
      out: { write: (s: string) => out.push(s) },
      tty: true,
      label: 'bulk import',
      now: () => now,
    })
    progress.update({ phase: 'uploading', sent: 1000, fraction: 0.5 })
    now = 2500
    progress.update({ phase: 'processing', sent: 2000, processed: 500, failed: 1, fraction: 0.25 })
    progress.stop()
    expect(out.every((s) => s === '\n' || s.startsWith('\r'))).toBe(true)
    expect(out.at(-1)).toBe('\n')
    expect(out.at(-2)).toBe(
      '\r[######------------------]  25% bulk import: processing: 2,000 sent, 500 processed, 1 failed, 00:02, 200 records/s\x1b[K',
    )
  })
})
