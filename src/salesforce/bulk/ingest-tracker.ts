// Keeps one ingest call's journal entry up to date as it creates, uploads, closes and polls
// its jobs, and turns an entry left by a killed run into what the re-run may skip.

import type { Requester } from '../requester.js'
import type { BulkJournalEntry, BulkJournalJob, BulkJournalSlot } from './bulk-journal.js'
import { abortJob, getJob, type JobInfo } from './bulk-jobs.js'

/** What an earlier run of the same call left done. */
export interface IngestResume {
  /** Closed jobs, in order: Salesforce processes (or processed) their rows. */
  jobs: JobInfo[]
  /** Input rows those jobs hold: the re-run skips them. */
  skipRows: number
  /** Every row was uploaded: nothing to upload at all. */
  uploaded: boolean
}

const FINAL = new Set(['JobComplete', 'Failed', 'Aborted'])

function nameOf(requester: Requester): string | undefined {
  const name = (requester as { name?: unknown }).name
  return typeof name === 'string' ? name : undefined
}

export class IngestTracker {
  // Writes go one after another, each with the entry as it is then, so the last one wins.
  #writes: Promise<void> = Promise.resolve()

  private constructor(
    private readonly slot: BulkJournalSlot,
    private readonly entry: BulkJournalEntry,
  ) {}

  /**
   * Reads the slot's entry. Jobs that were closed are kept (their rows are Salesforce's now);
   * a job left open by a killed upload is aborted (Salesforce never processes an open job's
   * rows) and forgotten, so its rows are uploaded again.
   */
  static async open(
    requester: Requester,
    slot: BulkJournalSlot,
    call: { object: string; operation: string; externalIdFieldName?: string },
  ): Promise<{ tracker: IngestTracker; resume: IngestResume }> {
    const fresh: BulkJournalEntry = { ...call, jobs: [], uploaded: false }
    const connection = nameOf(requester)
    if (connection !== undefined) fresh.connection = connection
    const found = await slot.journal.recall(slot.key)
    const same =
      found !== undefined &&
      found.object === call.object &&
      found.operation === call.operation &&
      found.externalIdFieldName === call.externalIdFieldName
    const kept: BulkJournalJob[] = []
    for (const job of found?.jobs ?? []) {
      if (same && job.closed) {
        kept.push(job)
        continue
      }
      const info = await getJob(requester, 'ingest', job.id).catch(() => undefined)
      if (info === undefined || info.state === 'Aborted') continue
      if (same && info.state !== 'Open' && job.rows !== undefined) {
        // Killed after UploadComplete was sent but before it was recorded.
        kept.push({ ...job, closed: true, state: info.state })
      } else if (info.state === 'Open') {
        await abortJob(requester, 'ingest', job.id).catch(() => undefined)
      }
      // A job from another call shape (the service changed between runs) that is already
      // processing is left alone: it is not ours to resume, and aborting it would not undo it.
    }
    const entry: BulkJournalEntry = {
      ...fresh,
      jobs: kept,
      uploaded: same && found.uploaded && kept.length === found.jobs.length,
    }
    const tracker = new IngestTracker(slot, entry)
    if (found !== undefined) await tracker.#save()
    const jobs = await Promise.all(kept.map((j) => getJob(requester, 'ingest', j.id)))
    return {
      tracker,
      resume: {
        jobs,
        skipRows: kept.reduce((n, j) => n + (j.rows ?? 0), 0),
        uploaded: entry.uploaded,
      },
    }
  }

  #save(): Promise<void> {
    const snapshot = structuredClone(this.entry)
    const write = this.#writes.then(() => this.slot.journal.record(this.slot.key, snapshot))
    this.#writes = write.catch(() => undefined)
    return write
  }

  #job(id: string): BulkJournalJob | undefined {
    return this.entry.jobs.find((j) => j.id === id)
  }

  /** A job was created: recorded before anything is uploaded, so a re-run can abort it. */
  created(id: string): Promise<void> {
    this.entry.jobs.push({ id, closed: false })
    return this.#save()
  }

  /** Its upload finished with `rows` rows; recorded before it is closed. */
  uploadedRows(id: string, rows: number): Promise<void> {
    const job = this.#job(id)
    if (job) job.rows = rows
    return this.#save()
  }

  closed(info: JobInfo): Promise<void> {
    const job = this.#job(info.id)
    if (job) {
      job.closed = true
      job.state = info.state
    }
    return this.#save()
  }

  /** The upload failed and the job was aborted: nothing of it will be processed. */
  dropped(id: string): Promise<void> {
    this.entry.jobs = this.entry.jobs.filter((j) => j.id !== id)
    return this.#save()
  }

  allUploaded(): Promise<void> {
    this.entry.uploaded = true
    return this.#save()
  }

  /**
   * A status check's answer. Progress is best effort: a failed write must not fail a job
   * that Salesforce is processing fine; the final state is recorded by `finished`.
   */
  progress(info: JobInfo): void {
    if (this.#update(info)) void this.#save().catch(() => undefined)
  }

  finished(jobs: readonly JobInfo[]): Promise<void> {
    for (const info of jobs) this.#update(info)
    return this.#save()
  }

  #update(info: JobInfo): boolean {
    const job = this.#job(info.id)
    if (!job) return false
    const changed =
      job.state !== info.state ||
      job.numberRecordsProcessed !== info.numberRecordsProcessed ||
      job.numberRecordsFailed !== info.numberRecordsFailed
    job.state = info.state
    if (info.numberRecordsProcessed !== undefined)
      job.numberRecordsProcessed = info.numberRecordsProcessed
    if (info.numberRecordsFailed !== undefined) job.numberRecordsFailed = info.numberRecordsFailed
    return changed || FINAL.has(info.state)
  }
}
