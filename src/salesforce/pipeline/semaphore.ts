// A small counting semaphore: the per-connection concurrency limit.

export class Semaphore {
  private active = 0
  private readonly waiters: Array<() => void> = []
  private head = 0

  constructor(private readonly max: number) {}

  /** Resolves when a slot is free; undefined (no promise) when one is free at once. */
  acquire(): Promise<void> | undefined {
    if (this.active < this.max) {
      this.active++
      return undefined
    }
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** Frees a slot, handing it straight to the oldest waiter. */
  release(): void {
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head]
      this.waiters[this.head++] = noop
      if (this.head > 1024 && this.head * 2 > this.waiters.length) {
        this.waiters.splice(0, this.head)
        this.head = 0
      }
      next?.()
      return
    }
    this.active--
  }

  get waiting(): number {
    return this.waiters.length - this.head
  }
}

function noop(): void {}
