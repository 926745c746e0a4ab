// The `ctx` that a service's handle() receives. A class, so that a call costs one small object:
// `signal` is an accessor on the prototype that makes the AbortController on first read (most
// services never read it; see LazyAbort), where an object literal with its own getter costs about
// half a kilobyte per call. Spreading ctx (`{ ...ctx }`) therefore leaves `signal` out.
import type { Logger } from 'pino'
import type { SalesforceClient } from '../../salesforce/index.js'
import type { ServiceContext } from './define-service.js'
import type { LazyAbort } from './lazy-abort.js'

export class InvocationContext<I> implements ServiceContext<I> {
  readonly #abort: LazyAbort

  constructor(
    readonly input: I,
    readonly salesforce: (connection: string) => SalesforceClient,
    readonly invoke: ServiceContext<I>['invoke'],
    readonly invokeAsync: ServiceContext<I>['invokeAsync'],
    readonly log: Logger,
    readonly correlationId: string,
    readonly settings: Record<string, unknown>,
    abort: LazyAbort,
  ) {
    this.#abort = abort
  }

  /** Aborted when the service's timeout passes or the caller goes away. */
  get signal(): AbortSignal {
    return this.#abort.signal
  }
}
