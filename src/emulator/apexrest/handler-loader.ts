// Loads Apex REST handler modules with a dynamic import through tsx, so `.ts` handlers run as
// they are (as service files do); `.js` and `.mjs` load the same way.

import { pathToFileURL } from 'node:url'
import { register, type NamespacedUnregister } from 'tsx/esm/api'
import { ForcebridgeError } from '../../util/index.js'
import type { ApexRestHandler } from './apex-rest-handler.js'

let importer: NamespacedUnregister | undefined

/** The handler a module exports under `name`; INVALID_ORG_FILE when it has none. */
export async function loadHandler(file: string, name: string): Promise<ApexRestHandler> {
  importer ??= register({ namespace: 'forcebridge-apexrest' })
  let mod: Record<string, unknown>
  try {
    mod = (await importer.import(pathToFileURL(file).href, import.meta.url)) as Record<
      string,
      unknown
    >
  } catch (err) {
    throw new ForcebridgeError(
      'INVALID_ORG_FILE',
      `apexRest: cannot load the handler module ${file}: ${err instanceof Error ? err.message : String(err)}; check the path (relative to the org file) and the module's code.`,
      { cause: err },
    )
  }
  let fn = mod[name]
  // tsx may wrap a CommonJS-style default export once more.
  if (typeof fn !== 'function' && name === 'default' && typeof fn === 'object' && fn !== null)
    fn = (fn as Record<string, unknown>).default
  if (typeof fn !== 'function') {
    throw new ForcebridgeError(
      'INVALID_ORG_FILE',
      `apexRest: ${file} has no function exported as '${name}'; export the handler (default, or name it with 'export:').`,
    )
  }
  return fn as ApexRestHandler
}
