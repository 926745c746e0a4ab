// `forcebridge export [--file out.yaml]` and `forcebridge import <file> [--dry-run]`: the store's
// connections, security definitions, channels and schedules as a YAML file, secrets by reference.
import { readFile, writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { ApplySummary, KindSummary } from '../runtime/index.js'
import { ForcebridgeError } from '../util/index.js'
import { withStore } from './cli-context.js'

export function configCommands(program: Command): void {
  program
    .command('export')
    .description('write connections, security definitions, channels and schedules as YAML')
    .option('--file <path>', 'write to this file instead of stdout')
    .action(async (flags: { file?: string }) => {
      const { exportConfig, openAsyncInvocations } = await import('../runtime/index.js')
      const exported = await withStore(async ({ store, log }) => {
        const { scheduler } = openAsyncInvocations(store, log, {
          concurrency: 0,
          scheduler: false,
        })
        return exportConfig(store, scheduler)
      })
      if (flags.file === undefined) {
        process.stdout.write(exported.yaml)
        return
      }
      try {
        // The file holds no secret, but it maps the deployment; keep it owner-only anyway.
        await writeFile(flags.file, exported.yaml, { mode: 0o600 })
      } catch (cause) {
        throw new ForcebridgeError(
          'EXPORT_FAILED',
          `cannot write ${flags.file}; check the folder exists and is writable`,
          { cause },
        )
      }
      process.stdout.write(
        `wrote ${flags.file}; importing it needs ${exported.variables.length} environment variable(s), listed at its top\n`,
      )
    })

  program
    .command('import <file>')
    .description('apply a YAML configuration file: create what is missing, update what differs')
    .option('--dry-run', 'check the file and show what would change, without writing')
    .action(async (file: string, flags: { dryRun?: boolean }) => {
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch (cause) {
        throw new ForcebridgeError('IMPORT_FAILED', `cannot read ${file}; check the path`, {
          cause,
        })
      }
      const { applyConfig, ConfigFileError, formatIssue, openAsyncInvocations, readConfig } =
        await import('../runtime/index.js')
      try {
        const summary = await withStore(async ({ store, log }) => {
          // Read before opening anything else, so a bad file is reported at once.
          const config = readConfig(text, file, process.env)
          const { scheduler } = openAsyncInvocations(store, log, {
            concurrency: 0,
            scheduler: false,
          })
          const result = await applyConfig(store, scheduler, config, {
            dryRun: flags.dryRun === true,
          })
          if (!result.dryRun) {
            await store.audit.record({
              actor: 'cli',
              action: 'config.import',
              target: file,
              detail: counts(result),
            })
          }
          return result
        })
        process.stdout.write(report(summary))
      } catch (err) {
        if (!(err instanceof ConfigFileError)) throw err
        for (const issue of err.issues) process.stderr.write(`${formatIssue(issue)}\n`)
        const n = err.issues.length
        process.stderr.write(`${n} error${n === 1 ? '' : 's'}; nothing was imported\n`)
        process.exitCode = 1
      }
    })
}

const KINDS = ['connections', 'securityDefinitions', 'channels', 'schedules'] as const

function counts(summary: ApplySummary): Record<string, unknown> {
  return Object.fromEntries(
    KINDS.map((k) => [
      k,
      {
        created: summary[k].created.length,
        updated: summary[k].updated.length,
        unchanged: summary[k].unchanged.length,
      },
    ]),
  )
}

function report(summary: ApplySummary): string {
  const width = Math.max(...KINDS.map((k) => k.length))
  const lines = KINDS.map((k) => `${k.padEnd(width)}  ${line(summary[k])}`)
  if (summary.dryRun) lines.unshift('dry run: nothing was written')
  return `${lines.join('\n')}\n`
}

function line(s: KindSummary): string {
  const named = (names: string[]) => (names.length ? ` (${names.join(', ')})` : '')
  return (
    `${s.created.length} created${named(s.created)}, ` +
    `${s.updated.length} updated${named(s.updated)}, ${s.unchanged.length} unchanged`
  )
}
