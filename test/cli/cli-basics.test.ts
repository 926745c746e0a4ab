// The command line as a whole: its version, its command list, and an unknown command refused.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runCli } from './fixtures/run-cli.js'

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string }

describe('forcebridge', () => {
  it('prints its version with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli(flag)
      expect(r.code).toBe(0)
      expect(r.out.trim()).toBe(version)
    }
  })

  it('lists every command group in its help', async () => {
    const r = await runCli('--help')
    expect(r.code).toBe(0)
    for (const command of [
      'connection',
      'query',
      'bulk',
      'invoke',
      'service',
      'channel',
      'security',
      'deploy',
      'jobs',
      'schedule',
      'export',
      'import',
      'start',
      'dev',
      'emulator',
      'admin',
    ]) {
      expect(r.out).toMatch(new RegExp(`^  ${command}\\b`, 'm'))
    }
  })

  it('refuses an unknown command with a non-zero exit', async () => {
    const r = await runCli('conection', 'list')
    expect(r.code).not.toBe(0)
    expect(r.err).toMatch(/unknown command 'conection'/)
  })
})
