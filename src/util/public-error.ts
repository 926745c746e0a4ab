// ForcebridgeError as service files see it: a service raises codes of its own (ORDER_REJECTED),
// so the public constructor takes any string, while forcebridge's code is held to the catalogue.
import {
  ForcebridgeError as CatalogueError,
  hasCode as hasCatalogueCode,
} from './forcebridge-error.js'

/** The same class (instanceof holds either way); its constructor takes a service's own code. */
export const PublicForcebridgeError = CatalogueError as unknown as new (
  code: string,
  message: string,
  options?: { cause?: unknown },
) => CatalogueError
export type PublicForcebridgeError = CatalogueError

/** True when `err` is a ForcebridgeError with the given code. */
export const publicHasCode = hasCatalogueCode as (
  err: unknown,
  code: string,
) => err is CatalogueError
