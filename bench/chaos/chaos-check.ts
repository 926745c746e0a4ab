// The check at the end of a chaos round (chaos-round.ts), apart so a test can feed it a planted
// loss or duplicate and see it counted: every job accepted with 202 must have its record in the
// org once, and a job that ended dead must have written nothing.

export interface ChaosJobs {
  /** External ids (Number__c) of the jobs the runtime accepted with 202. */
  accepted: readonly string[]
  /** Last state seen for each accepted job: queued, running, succeeded, dead... */
  states: ReadonlyMap<string, string>
  /** Attempts each job took, as its status answer said. */
  attempts: ReadonlyMap<string, number>
}

export interface ChaosOutcome {
  succeeded: number
  dead: number
  unsettled: number
  /** Jobs that took more than one attempt (a fault or a kill): harmless, an upsert writes once. */
  jobsRetried: number
  /** Accepted jobs whose record is missing from the org. */
  lost: string[]
  /** External ids written more than once, and dead jobs whose record was written anyway. */
  duplicates: string[]
}

/** Compares the accepted jobs with the org's live records counted by external id. */
export function checkChaosOutcome(
  jobs: ChaosJobs,
  recordsByNumber: ReadonlyMap<string, number>,
): ChaosOutcome {
  const out: ChaosOutcome = {
    succeeded: 0,
    dead: 0,
    unsettled: 0,
    jobsRetried: 0,
    lost: [],
    duplicates: [],
  }
  for (const number of jobs.accepted) {
    const state = jobs.states.get(number)
    if (state === 'succeeded') out.succeeded++
    else if (state === 'dead') out.dead++
    else out.unsettled++
    if ((jobs.attempts.get(number) ?? 0) > 1) out.jobsRetried++
    if (!recordsByNumber.has(number)) out.lost.push(`${number} (job ${state ?? 'unknown'})`)
    else if (state === 'dead') out.duplicates.push(`${number}: written, yet its job ended dead`)
  }
  for (const [number, n] of recordsByNumber) {
    if (n > 1) out.duplicates.push(`${number}: ${n} records`)
  }
  return out
}
