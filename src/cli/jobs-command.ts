// `forcebridge jobs list|show|retry|purge` and `forcebridge schedule add|list|remove`: the
// durable queue and the cron schedules, read and changed in the store the server uses.
import type { Command } from 'commander'
import type { AsyncInvocations, JobStateFilter } from '../runtime/index.js'
import { ForbiddenJsonKeyError, ForcebridgeError, parseJson } from '../util/index.js'
import { withStore } from './cli-context.js'
import { cell, formatTable } from './text-table.js'

const STATES = ['queued', 'running', 'succeeded', 'dead', 'retrying']
const POLICIES = ['skip', 'run-once', 'run-all']

/** Runs `fn` with the queue and scheduler opened on the store, without a worker. */
async function withJobs<T>(fn: (jobs: AsyncInvocations) => Promise<T>): Promise<T> {
  const { openAsyncInvocations } = await import('../runtime/index.js')
  return withStore(async ({ store, log }) =>
    fn(openAsyncInvocations(store, log, { concurrency: 0, scheduler: false })),
  )
}

function print(text: string): void {
  process.stdout.write(`${text}\n`)
}

/** `7d`, `12h`, `30m` → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*([dhms])$/.exec(text.trim())
  if (!m) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `--older-than ${text}: write a number and a unit, e.g. 7d, 12h, 30m`,
    )
  }
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 }[m[2] as 'd' | 'h' | 'm' | 's']
  return Number(m[1]) * unit
}

function parseJsonFlag(text: string, flag: string): unknown {
  try {
    return parseJson(text)
  } catch (cause) {
    if (cause instanceof ForbiddenJsonKeyError)
      throw new ForcebridgeError('INVALID_ARGUMENTS', `${flag}: ${cause.message}`, { cause })
    throw new ForcebridgeError('INVALID_ARGUMENTS', `${flag} is not valid JSON: ${text}`, { cause })
  }
}

function iso(d: Date | null): string {
  return d ? d.toISOString() : ''
}

export function jobsCommand(program: Command): void {
  const jobs = program.command('jobs').description('list, inspect, retry and purge async jobs')

  jobs
    .command('list')
    .description('list jobs, newest first')
    .option('--state <state>', `one of ${STATES.join(', ')}`)
    .option('--service <name>', 'only jobs of this service')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (flags: { state?: string; service?: string; limit: string; json?: boolean }) => {
      if (flags.state && !STATES.includes(flags.state)) {
        throw new ForcebridgeError(
          'INVALID_ARGUMENTS',
          `--state ${flags.state}: use one of ${STATES.join(', ')}`,
        )
      }
      await withJobs(async ({ queue }) => {
        const page = await queue.list({
          ...(flags.state ? { state: flags.state as JobStateFilter } : {}),
          ...(flags.service ? { service: flags.service } : {}),
          limit: Number(flags.limit),
        })
        if (flags.json) return print(JSON.stringify(page.jobs, null, 2))
        if (page.jobs.length === 0) return print('no jobs')
        const rows = page.jobs.map((j) => [
          j.id,
          j.service,
          j.state,
          `${j.attempts}/${j.attemptLimit}`,
          iso(j.createdAt),
          cell(j.lastError?.code ?? j.lastError?.message ?? ''),
        ])
        print(formatTable(['id', 'service', 'state', 'attempts', 'created', 'last error'], rows))
      })
    })

  jobs
    .command('show <id>')
    .description('one job with every attempt')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      await withJobs(async ({ queue, bulkJobs }) => {
        const job = await queue.get(id)
        if (!job)
          throw new ForcebridgeError(
            'JOB_NOT_FOUND',
            `no job with id ${id}; see 'forcebridge jobs list'`,
          )
        // The Bulk API calls the job made, tracked so that a restart resumes them.
        const bulkCalls = (await bulkJobs.list({ invocationId: id, limit: 1000 })).reverse()
        if (flags.json) return print(JSON.stringify({ ...job, bulkCalls }, null, 2))
        print(`job ${job.id}\n  service   ${job.service}\n  state     ${job.state}`)
        print(
          `  attempts  ${job.attempts} of ${job.attemptLimit}\n  created   ${iso(job.createdAt)}`,
        )
        if (job.idempotencyKey) print(`  key       ${job.idempotencyKey}`)
        print(`  input     ${JSON.stringify(job.input)}`)
        if (job.state === 'succeeded') print(`  output    ${JSON.stringify(job.output)}`)
        for (const a of job.attemptHistory) {
          const error = a.errorMessage ? `  ${a.errorCode ?? ''} ${a.errorMessage}` : ''
          print(`  #${a.attempt} ${iso(a.startedAt)} ${a.outcome}${error}`)
        }
        for (const b of bulkCalls) {
          print(
            `  bulk ${b.key.slice(b.key.lastIndexOf('#'))} ${b.object} ${b.operation} ${b.state}: ` +
              `${b.recordsProcessed} processed, ${b.recordsFailed} failed (jobs ${b.jobIds.join(', ') || 'none yet'})`,
          )
        }
      })
    })

  jobs
    .command('retry <id>')
    .description('run a dead job again (or a job waiting for its retry, now)')
    .action(async (id: string) => {
      await withJobs(async ({ queue }) => {
        const job = await queue.retry(id)
        print(`job ${job.id} is ${job.state} again`)
      })
    })

  jobs
    .command('purge')
    .description('delete finished jobs (succeeded and dead by default)')
    .option('--state <state>', 'succeeded, dead or queued')
    .option('--older-than <age>', 'only jobs older than this, e.g. 7d, 12h')
    .action(async (flags: { state?: string; olderThan?: string }) => {
      if (flags.state && !['succeeded', 'dead', 'queued'].includes(flags.state)) {
        throw new ForcebridgeError(
          'INVALID_ARGUMENTS',
          `--state ${flags.state}: use succeeded, dead or queued`,
        )
      }
      const olderThan = flags.olderThan
        ? new Date(Date.now() - parseDuration(flags.olderThan))
        : undefined
      await withJobs(async ({ queue }) => {
        const n = await queue.purge({
          ...(flags.state ? { state: flags.state as 'succeeded' | 'dead' | 'queued' } : {}),
          ...(olderThan ? { olderThan } : {}),
        })
        print(`purged ${n} job${n === 1 ? '' : 's'}`)
      })
    })
}

export function scheduleCommand(program: Command): void {
  const schedule = program.command('schedule').description('cron schedules that run a service')

  schedule
    .command('add <name>')
    .description('add (or with --replace, change) a schedule')
    .requiredOption('--cron <pattern>', "cron pattern, e.g. '0 2 * * *' (02:00 every day)")
    .requiredOption('--service <name>', 'the service each run invokes')
    .option('--input <json>', 'JSON input of every run', 'null')
    .option('--timezone <tz>', 'IANA time zone of the pattern (default UTC)')
    .option('--missed <policy>', `runs missed while down: ${POLICIES.join(', ')}`, 'skip')
    .option('--disabled', 'add it switched off')
    .option('--replace', 'replace a schedule of the same name')
    .action(
      async (
        name: string,
        flags: {
          cron: string
          service: string
          input: string
          timezone?: string
          missed: string
          disabled?: boolean
          replace?: boolean
        },
      ) => {
        if (!POLICIES.includes(flags.missed)) {
          throw new ForcebridgeError(
            'INVALID_ARGUMENTS',
            `--missed ${flags.missed}: use one of ${POLICIES.join(', ')}`,
          )
        }
        const input = parseJsonFlag(flags.input, '--input')
        await withJobs(async ({ scheduler }) => {
          const added = await scheduler.add(
            {
              name,
              cron: flags.cron,
              service: flags.service,
              input,
              enabled: !flags.disabled,
              missedRunPolicy: flags.missed as 'skip' | 'run-once' | 'run-all',
              ...(flags.timezone ? { timezone: flags.timezone } : {}),
            },
            { replace: flags.replace === true },
          )
          print(`schedule '${added.name}' added; next run ${iso(added.nextRunAt) || 'none'}`)
        })
      },
    )

  schedule
    .command('list')
    .description('schedules with their next run')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withJobs(async ({ scheduler }) => {
        const all = await scheduler.list()
        if (flags.json) return print(JSON.stringify(all, null, 2))
        if (all.length === 0) return print('no schedules')
        const rows = all.map((s) => [
          s.name,
          s.cron,
          s.timezone ?? 'UTC',
          s.service,
          s.enabled ? 'yes' : 'no',
          s.missedRunPolicy,
          iso(s.nextRunAt),
        ])
        print(formatTable(['name', 'cron', 'zone', 'service', 'on', 'missed', 'next run'], rows))
      })
    })

  schedule
    .command('remove <name>')
    .description('remove a schedule')
    .action(async (name: string) => {
      await withJobs(async ({ scheduler }) => {
        if (!(await scheduler.remove(name))) {
          throw new ForcebridgeError(
            'SCHEDULE_NOT_FOUND',
            `no schedule named '${name}'; see 'forcebridge schedule list'`,
          )
        }
        print(`schedule '${name}' removed`)
      })
    })
}
