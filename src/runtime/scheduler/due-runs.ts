// Which runs of one schedule fire now: those still on time, plus the missed ones its policy
// keeps. Pure, so the policies are tested without a clock or a database.
import type { Cron } from 'croner'
import type { MissedRunPolicy } from './schedule.js'

export interface DueRun {
  at: number
  missed: boolean
}

export interface DueRunsInput {
  cron: Cron
  /** Runs at or before this time were already fired or skipped. */
  dueAfter: number
  now: number
  /** A run at most this late is on time; older ones are missed. */
  graceMs: number
  policy: MissedRunPolicy
  maxCatchUp: number
}

export interface DueRunsResult {
  /** Runs to fire, oldest first. */
  fire: DueRun[]
  /** The latest run that fell due (fired or skipped), or null when none did. */
  latestDue: number | null
}

export function dueRuns(input: DueRunsInput): DueRunsResult {
  const { cron, dueAfter, now, graceMs, policy } = input
  const cutoff = now - graceMs
  // Runs from the cutoff on are on time. croner's runs are whole seconds, and enumerate() is
  // exclusive of its start, so starting 1 ms before the cutoff includes a run exactly at it.
  const onTime: DueRun[] = []
  for (const date of cron.enumerate(new Date(Math.max(dueAfter, cutoff - 1)))) {
    if (date.getTime() > now) break
    onTime.push({ at: date.getTime(), missed: false })
    // A seconds pattern with a long grace period could pile up; keep the latest, as run-all does.
    if (onTime.length > input.maxCatchUp) onTime.shift()
  }
  // The latest missed run, even under `skip`, moves `dueAfter` past everything missed.
  const latestMissed = cron.previousRuns(1, new Date(cutoff))[0]?.getTime()
  const anyMissed = latestMissed !== undefined && latestMissed > dueAfter
  const quota = !anyMissed
    ? 0
    : policy === 'run-all'
      ? input.maxCatchUp
      : policy === 'run-once'
        ? 1
        : 0
  const missed = cron
    .previousRuns(quota, new Date(cutoff))
    .map((date) => date.getTime())
    .filter((at) => at > dueAfter)
    .reverse()
    .map((at) => ({ at, missed: true }))
  const last = onTime[onTime.length - 1]
  return {
    fire: [...missed, ...onTime],
    latestDue: last ? last.at : anyMissed ? latestMissed : null,
  }
}
