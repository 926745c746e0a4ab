// Fastify makes a child logger for every request (to bind its id), and the invoker one for every
// invocation; with pino's redaction that costs more than routing the request. This child is made
// only when a line is actually written:
// a call at a level the parent does not log, or no call at all, costs nothing.
import type { FastifyBaseLogger } from 'fastify'
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino'

export class LazyChildLogger {
  readonly #parent: Logger
  readonly #bindings: Bindings
  readonly #options: ChildLoggerOptions | undefined
  #child: Logger | undefined

  constructor(parent: Logger, bindings: Bindings, options?: ChildLoggerOptions) {
    this.#parent = parent
    this.#bindings = bindings
    // Fastify passes {} when the route sets nothing; an empty object still makes pino rebuild.
    this.#options = options && Object.keys(options).length > 0 ? options : undefined
  }

  /** The pino child, made on first need. */
  get real(): Logger {
    this.#child ??= this.#options
      ? this.#parent.child(this.#bindings, this.#options)
      : this.#parent.child(this.#bindings)
    return this.#child
  }

  get level(): string {
    return (this.#child ?? this.#parent).level
  }

  set level(level: string) {
    this.real.level = level
  }

  isLevelEnabled(level: string): boolean {
    return (this.#child ?? this.#parent).isLevelEnabled(level)
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real.child(bindings, options)
  }

  bindings(): Bindings {
    return this.real.bindings()
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args)
  }
  error(...args: unknown[]): void {
    this.#write('error', args)
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args)
  }
  info(...args: unknown[]): void {
    this.#write('info', args)
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args)
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args)
  }
  silent(): void {}

  #write(level: Level, args: unknown[]): void {
    if (!this.#child && !this.#parent.isLevelEnabled(level)) return
    // tsc needs the cast (pino's overloads do not take a spread); the linter's view disagrees.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    ;(this.real[level] as (...a: unknown[]) => void)(...args)
  }
}

/** Fastify's `childLoggerFactory` with lazy children. */
export function lazyChildLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChildLogger(logger as Logger, bindings, options)
}
