// Turns the flags of `forcebridge security add|edit` into a store input or changes. Secrets come
// from environment variables named by flags or a hidden prompt (never argv); a flag that does not
// fit the definition's kind is refused rather than silently ignored.
import { readFileSync } from 'node:fs'
import type {
  SecurityDefinitionChanges,
  SecurityDefinitionInfo,
  SecurityDefinitionInput,
  SecurityKind,
} from '../store/index.js'
import { JWT_ALGORITHMS, SECURITY_KINDS } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'
import { canPrompt, promptSecret, secretFromEnv } from './secret-input.js'

export interface SecurityFlags {
  kind?: string
  name?: string
  keyEnv?: string
  username?: string
  passwordEnv?: string
  algorithm?: string
  secretEnv?: string
  publicKeyFile?: string
  jwksUrl?: string
  /** false: `--no-issuer` (edit only). */
  issuer?: string | false
  audience?: string | false
  prompt?: boolean
}

/** Which kinds each kind-specific flag applies to. */
const FLAG_KINDS: [keyof SecurityFlags, string, SecurityKind][] = [
  ['keyEnv', '--key-env', 'api_key'],
  ['username', '--username', 'basic'],
  ['passwordEnv', '--password-env', 'basic'],
  ['algorithm', '--algorithm', 'jwt'],
  ['secretEnv', '--secret-env', 'jwt'],
  ['publicKeyFile', '--public-key-file', 'jwt'],
  ['jwksUrl', '--jwks-url', 'jwt'],
  ['issuer', '--issuer', 'jwt'],
  ['audience', '--audience', 'jwt'],
]

function refuseForeignFlags(flags: SecurityFlags, kind: SecurityKind, what: string): void {
  for (const [key, flag, applies] of FLAG_KINDS) {
    if (flags[key] !== undefined && applies !== kind) {
      throw new ForcebridgeError(
        'INVALID_ARGUMENTS',
        `${flag} applies to ${applies} definitions only, and ${what} is ${kind}`,
      )
    }
  }
}

/** HS256 takes a secret; RS256 a public key or a JWKS URL. */
function refuseForeignKeyFlags(flags: SecurityFlags, algorithm: string): void {
  const wrong: string | undefined =
    algorithm === 'HS256'
      ? flags.publicKeyFile !== undefined
        ? '--public-key-file'
        : flags.jwksUrl !== undefined
          ? '--jwks-url'
          : undefined
      : flags.secretEnv !== undefined
        ? '--secret-env'
        : undefined
  if (wrong) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `${wrong} does not apply to ${algorithm}: HS256 takes --secret-env, RS256 takes --public-key-file or --jwks-url`,
    )
  }
}

function readPublicKey(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (cause) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `--public-key-file ${file}: cannot read it (${(cause as NodeJS.ErrnoException).code ?? 'error'}); give the path of a PEM public key or certificate`,
      { cause },
    )
  }
}

/** A secret from its `--…-env` flag, else asked for on a terminal, else a clear error. */
async function requiredSecret(
  envName: string | undefined,
  flag: string,
  label: string,
  flags: SecurityFlags,
  what: string,
): Promise<string> {
  if (envName !== undefined) return secretFromEnv(envName, flag)
  if (flags.prompt !== false && canPrompt()) return (await promptSecret(label)) ?? ''
  throw new ForcebridgeError(
    'MISSING_SECRET',
    `${what} needs a ${label.toLowerCase()}: give ${flag} VAR (the name of an environment variable that holds it) or run on a terminal to be asked`,
  )
}

function text(v: string | false | undefined): string | undefined {
  return v === false ? undefined : v
}

export function parseKind(kind: string | undefined): SecurityKind {
  if (!SECURITY_KINDS.includes(kind as SecurityKind)) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `--kind ${kind ?? ''}: use one of ${SECURITY_KINDS.join(', ')}`,
    )
  }
  return kind as SecurityKind
}

/** The input of `security add <name>`. */
export async function createInput(
  name: string,
  flags: SecurityFlags,
): Promise<SecurityDefinitionInput> {
  const kind = parseKind(flags.kind)
  const what = `${kind} definition '${name}'`
  refuseForeignFlags(flags, kind, what)
  if (kind === 'api_key') {
    return {
      kind,
      name,
      ...(flags.keyEnv ? { key: secretFromEnv(flags.keyEnv, '--key-env') } : {}),
    }
  }
  if (kind === 'basic') {
    if (!flags.username) {
      throw new ForcebridgeError('INVALID_ARGUMENTS', `${what} needs --username <name>`)
    }
    const password = await requiredSecret(
      flags.passwordEnv,
      '--password-env',
      'Password',
      flags,
      what,
    )
    return { kind, name, username: flags.username, password }
  }
  const algorithm = flags.algorithm ?? ''
  if (!(JWT_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `${what} needs --algorithm ${JWT_ALGORITHMS.join(' or ')}`,
    )
  }
  refuseForeignKeyFlags(flags, algorithm)
  const common = {
    kind,
    name,
    algorithm: algorithm as (typeof JWT_ALGORITHMS)[number],
    issuer: text(flags.issuer) ?? null,
    audience: text(flags.audience) ?? null,
  }
  if (algorithm === 'HS256') {
    const secret = await requiredSecret(
      flags.secretEnv,
      '--secret-env',
      'Shared secret (at least 32 characters)',
      flags,
      what,
    )
    return { ...common, secret }
  }
  return {
    ...common,
    publicKey: flags.publicKeyFile ? readPublicKey(flags.publicKeyFile) : null,
    jwksUrl: flags.jwksUrl ?? null,
  }
}

/** The changes of `security edit <name>`; what is not given keeps its value. Never prompts. */
export function editChanges(
  current: SecurityDefinitionInfo,
  flags: SecurityFlags,
): SecurityDefinitionChanges {
  const what = `'${current.name}'`
  refuseForeignFlags(flags, current.kind, what)
  const changes: SecurityDefinitionChanges = {}
  if (flags.name !== undefined) changes.name = flags.name
  if (current.kind === 'basic') {
    if (flags.username !== undefined) changes.username = flags.username
    if (flags.passwordEnv !== undefined)
      changes.password = secretFromEnv(flags.passwordEnv, '--password-env')
  }
  if (current.kind === 'jwt') {
    if (flags.algorithm !== undefined) {
      if (!(JWT_ALGORITHMS as readonly string[]).includes(flags.algorithm)) {
        throw new ForcebridgeError(
          'INVALID_ARGUMENTS',
          `--algorithm ${flags.algorithm}: use ${JWT_ALGORITHMS.join(' or ')}`,
        )
      }
      changes.algorithm = flags.algorithm as (typeof JWT_ALGORITHMS)[number]
    }
    refuseForeignKeyFlags(flags, changes.algorithm ?? current.algorithm)
    if (flags.secretEnv !== undefined)
      changes.secret = secretFromEnv(flags.secretEnv, '--secret-env')
    // A public key replaces a JWKS URL and the other way round: RS256 takes exactly one.
    if (flags.publicKeyFile !== undefined) {
      changes.publicKey = readPublicKey(flags.publicKeyFile)
      changes.jwksUrl = flags.jwksUrl ?? null
    } else if (flags.jwksUrl !== undefined) {
      changes.jwksUrl = flags.jwksUrl
      changes.publicKey = null
    }
    if (flags.issuer !== undefined) changes.issuer = text(flags.issuer) ?? null
    if (flags.audience !== undefined) changes.audience = text(flags.audience) ?? null
  }
  if (Object.keys(changes).length === 0) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `nothing to change on ${what}; see: forcebridge security edit --help`,
    )
  }
  return changes
}
