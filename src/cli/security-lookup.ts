// Finds a security definition by the name an operator types, with an error that lists the names
// there are, so a typo is fixed without a second command.
import type { SecurityDefinitionInfo, Store } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'

export async function securityByName(store: Store, name: string): Promise<SecurityDefinitionInfo> {
  const found = await store.security.find(name)
  if (found) return found
  const known = (await store.security.list()).map((d) => `'${d.name}'`)
  throw new ForcebridgeError(
    'SECURITY_NOT_FOUND',
    known.length > 0
      ? `no security definition named '${name}'; known: ${known.join(', ')}`
      : `no security definition named '${name}' (there are none yet); add one with: forcebridge security add <name> --kind api_key`,
  )
}
