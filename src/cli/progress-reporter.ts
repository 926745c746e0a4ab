// Progress of a long CLI command on stderr: a one-line bar redrawn in place on a terminal, and
// plain lines every few seconds (and at each phase change) when stderr is a pipe or a file.

export interface ProgressCounts {
  /** Records read from the input and sent (or rows written, for exports). */
  sent: number
  processed: number
  failed: number
  /** 0..1 when known; drawn as the bar. */
  fraction?: number
  /** e.g. 'uploading', 'processing', 'writing failed rows'. */
  phase: string
}

export interface ProgressSink {
  write(text: string): unknown
}

export interface ProgressReporterOptions {
  out: ProgressSink
  /** Draw a bar redrawn in place; else write plain lines. */
  tty: boolean
  /** Label at the start of each line, e.g. 'bulk import'. */
  label: string
  /** Plain lines at most this often (phase changes always print). Default 5,000 ms. */
  lineEveryMs?: number
  /** Bar redraws at most this often. Default 200 ms. */
  redrawEveryMs?: number
  now?: () => number
}

const BAR_WIDTH = 24

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000)
  const mm = String(Math.floor(s / 60)).padStart(2, '0')
  const ss = String(s % 60).padStart(2, '0')
  return `${mm}:${ss}`
}

/** Records per second over `ms`, rounded; 0 before any time has passed. */
export function rateOf(records: number, ms: number): number {
  return ms > 0 ? Math.round((records * 1000) / ms) : 0
}

const num = (n: number): string => n.toLocaleString('en-US')

export class ProgressReporter {
  readonly #o: Required<Omit<ProgressReporterOptions, 'now'>> & { now: () => number }
  readonly #started: number
  #counts: ProgressCounts = { sent: 0, processed: 0, failed: 0, phase: 'starting' }
  #lastDraw = Number.NEGATIVE_INFINITY
  #timer: NodeJS.Timeout | undefined
  #drawn = false

  constructor(options: ProgressReporterOptions) {
    this.#o = {
      lineEveryMs: 5000,
      redrawEveryMs: 200,
      now: () => performance.now(),
      ...options,
    }
    this.#started = this.#o.now()
    // The clock keeps moving while a job waits in the queue: redraw so elapsed time stays live.
    const every = this.#o.tty ? this.#o.redrawEveryMs : this.#o.lineEveryMs
    this.#timer = setInterval(() => this.#draw(false), every)
    this.#timer.unref()
  }

  elapsedMs(): number {
    return this.#o.now() - this.#started
  }

  /** Updates the counts; a new phase is shown at once. */
  update(counts: Partial<ProgressCounts>): void {
    const phaseChanged = counts.phase !== undefined && counts.phase !== this.#counts.phase
    this.#counts = { ...this.#counts, ...counts }
    this.#draw(phaseChanged)
  }

  /** Draws the final state and leaves the line (the summary follows on stdout). */
  stop(): void {
    if (!this.#timer) return
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#draw(true)
    if (this.#o.tty && this.#drawn) this.#o.out.write('\n')
  }

  line(): string {
    const c = this.#counts
    const ms = this.elapsedMs()
    const parts = [
      `${num(c.sent)} sent`,
      `${num(c.processed)} processed`,
      `${num(c.failed)} failed`,
      formatElapsed(ms),
      `${num(rateOf(c.processed || c.sent, ms))} records/s`,
    ]
    return `${this.#o.label}: ${c.phase}: ${parts.join(', ')}`
  }

  #draw(force: boolean): void {
    if (!this.#timer && !force) return
    const now = this.#o.now()
    const every = this.#o.tty ? this.#o.redrawEveryMs : this.#o.lineEveryMs
    if (!force && now - this.#lastDraw < every) return
    this.#lastDraw = now
    this.#drawn = true
    if (!this.#o.tty) {
      this.#o.out.write(this.line() + '\n')
      return
    }
    const f = Math.max(0, Math.min(1, this.#counts.fraction ?? 0))
    const filled = Math.round(f * BAR_WIDTH)
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(f * 100)).padStart(3)}%`
    // \r returns to the line start and \x1b[K clears what a longer earlier line left behind.
    this.#o.out.write(`\r${bar} ${this.line()}\x1b[K`)
  }
}
