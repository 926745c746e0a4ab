// The timers that move Bulk jobs forward in the background; all are cancelled when the
// emulator closes, so no job outlives its server.

export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>()

  constructor(private readonly delayMs: number) {}

  later(fn: () => void): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer)
      fn()
    }, this.delayMs)
    timer.unref()
    this.pending.add(timer)
  }

  stop(): void {
    for (const timer of this.pending) clearTimeout(timer)
    this.pending.clear()
  }
}
