// Reads and validates an org file (YAML or JSON); errors name the file and the bad path.

import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { ForcebridgeError } from '../../util/index.js'
import { orgFileSchema, type OrgConfig, type OrgFile } from './org-file.js'

/** Validate a parsed org description. `source` names it in error messages. */
export function parseOrg(value: unknown, source = 'org'): OrgConfig {
  const result = orgFileSchema.safeParse(value ?? {})
  if (result.success) return result.data
  const problems = result.error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ')
  throw new ForcebridgeError(
    'INVALID_ORG_FILE',
    `${source} is not a valid org description: ${problems}. Fix these entries and start again.`,
  )
}

/** Load an org from a file path or an already parsed object. */
export function loadOrg(org: string | OrgFile | undefined, fallback: OrgFile): OrgConfig {
  if (org === undefined) return parseOrg(fallback, 'the built-in org')
  if (typeof org !== 'string') return parseOrg(org)
  let text: string
  try {
    text = readFileSync(org, 'utf8')
  } catch (err) {
    throw new ForcebridgeError(
      'INVALID_ORG_FILE',
      `cannot read the org file ${org}; check the path.`,
      { cause: err },
    )
  }
  let value: unknown
  try {
    value = org.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
  } catch (err) {
    throw new ForcebridgeError(
      'INVALID_ORG_FILE',
      `the org file ${org} is not valid ${org.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
      { cause: err },
    )
  }
  return parseOrg(value, `the org file ${org}`)
}
