// Environment variable names for the secrets of an exported configuration: derived from the
// owner's name in upper snake case, ASCII only, so any shell and any CI secret store accept them.
import { createHash } from 'node:crypto'
import type { SecretField } from '../../store/index.js'

const FIELD_SUFFIX: Record<SecretField, string> = {
  password: 'PASSWORD',
  securityToken: 'SECURITY_TOKEN',
  clientSecret: 'CLIENT_SECRET',
  privateKey: 'PRIVATE_KEY',
  refreshToken: 'REFRESH_TOKEN',
}

/** A letter or digit outside ASCII that no accent-stripping turns into ASCII (Greek, Hangul...). */
const NON_ASCII_WORD_CHAR = /(?![\p{ASCII}])[\p{L}\p{N}]/u

function shortHash(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8).toUpperCase()
}

/**
 * The upper snake case stem of `name`: `my salesforce connection` → `MY_SALESFORCE_CONNECTION`,
 * `Café-EU` → `CAFE_EU`. Letters with no ASCII form cannot be spelled out, so a name holding any
 * gets a short hash of the whole name (`Πελάτες` → `NAME_1A2B3C4D`, `crm-Κύπρος` → `CRM_…`),
 * which keeps two such names apart.
 */
export function envStem(name: string): string {
  const folded = name.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase()
  const words = folded.split(/[^A-Z0-9]+/).filter((w) => w.length > 0)
  if (words.length === 0) return `NAME_${shortHash(name)}`
  if (NON_ASCII_WORD_CHAR.test(folded)) words.push(shortHash(name))
  return words.join('_')
}

/**
 * Hands out stems for a set of names, making each unique: two names that fold to the same stem
 * (`crm-eu`, `crm eu`) get the second one's hash appended.
 */
export class EnvStems {
  readonly #taken = new Map<string, string>()

  stem(name: string): string {
    let stem = envStem(name)
    const owner = this.#taken.get(stem)
    if (owner !== undefined && owner !== name) stem = `${stem}_${shortHash(name)}`
    this.#taken.set(stem, name)
    return stem
  }
}

/** `SF_<STEM>_<FIELD>`, e.g. `SF_MY_SALESFORCE_CONNECTION_PASSWORD`. */
export function connectionSecretVariable(stem: string, field: SecretField): string {
  return `SF_${stem}_${FIELD_SUFFIX[field]}`
}

/** `FB_<STEM>_API_KEY`, the API key of a security definition. */
export function apiKeyVariable(stem: string): string {
  return `FB_${stem}_API_KEY`
}

/** `FB_<STEM>_PASSWORD`, the password of an HTTP Basic security definition. */
export function basicPasswordVariable(stem: string): string {
  return `FB_${stem}_PASSWORD`
}

/** `FB_<STEM>_JWT_SECRET`, the shared secret of an HS256 JWT security definition. */
export function jwtSecretVariable(stem: string): string {
  return `FB_${stem}_JWT_SECRET`
}

/** `${NAME}`: how a file refers to an environment variable. */
export function reference(variable: string): string {
  return `\${${variable}}`
}

/** A literal string that happens to hold `${`, written so import does not read a reference. */
export function escapeReferences(text: string): string {
  return text.replaceAll('${', () => '$${')
}
