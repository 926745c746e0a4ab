// `forcebridge security list|add|edit|rotate|remove`: the security definitions channels use (API
// key, HTTP Basic, JWT). Secrets come from environment variables or a hidden prompt; none is ever
// printed, except a made API key, once, at add and rotate. Every change is audited (actor 'cli').
import type { Command } from 'commander'
import type { SecurityDefinitionInfo, SecurityWriteResult, Store } from '../store/index.js'
import { ForcebridgeError, hasCode } from '../util/index.js'
import { withStore } from './cli-context.js'
import type { SecurityFlags } from './security-input.js'
import { securityByName } from './security-lookup.js'
import { secretFromEnv } from './secret-input.js'
import { formatTable } from './text-table.js'

/** The non-secret facts of a definition, for a listing. */
export function securityDetails(d: SecurityDefinitionInfo): string {
  if (d.kind === 'basic') return `username ${d.username}`
  if (d.kind === 'api_key') return 'key kept as a hash'
  const parts: string[] = [d.algorithm]
  if (d.algorithm === 'HS256') parts.push(d.hasSecret ? 'shared secret' : 'no secret')
  else parts.push(d.jwksUrl ? `JWKS ${d.jwksUrl}` : 'public key (PEM)')
  if (d.issuer) parts.push(`issuer ${d.issuer}`)
  if (d.audience) parts.push(`audience ${d.audience}`)
  return parts.join(' · ')
}

/** Prints a made API key this once, or the whole result as JSON. */
function printWritten(result: SecurityWriteResult, done: string, json: boolean | undefined): void {
  if (json) return console.log(JSON.stringify(result, null, 2))
  console.log(`✓ ${done}`)
  if (result.key === undefined) return
  console.log(`API key: ${result.key}`)
  console.log(
    `This key will not be shown again: store it now. To replace it: forcebridge security rotate '${result.definition.name}'`,
  )
}

async function usage(store: Store): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const c of await store.channels.list()) {
    if (c.securityDefinitionId)
      counts.set(c.securityDefinitionId, (counts.get(c.securityDefinitionId) ?? 0) + 1)
  }
  return counts
}

export function securityCommand(program: Command): void {
  const security = program
    .command('security')
    .description('manage the security definitions channels use: api_key, basic, jwt')

  security
    .command('list')
    .description('list security definitions (never a key, password or secret)')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withStore(async ({ store }) => {
        const all = await store.security.list()
        if (flags.json) return console.log(JSON.stringify(all, null, 2))
        if (all.length === 0) {
          return console.log(
            'no security definitions; add one with: forcebridge security add <name> --kind api_key',
          )
        }
        const used = await usage(store)
        const rows = all.map((d) => [
          d.name,
          d.kind,
          String(used.get(d.id) ?? 0),
          // Not cut: a JWKS URL or an issuer is only useful whole.
          securityDetails(d),
        ])
        console.log(formatTable(['NAME', 'KIND', 'CHANNELS', 'DETAILS'], rows))
      })
    })

  security
    .command('add <name>')
    .description('add a definition; a made API key is printed this once')
    .requiredOption('--kind <kind>', 'api_key | basic | jwt')
    .option('--key-env <VAR>', 'api_key: use the key in this variable instead of making one')
    .option('--username <name>', 'basic: the user name')
    .option('--password-env <VAR>', 'basic: read the password from this variable')
    .option('--algorithm <alg>', 'jwt: HS256 or RS256')
    .option('--secret-env <VAR>', 'jwt HS256: read the shared secret from this variable')
    .option('--public-key-file <file>', 'jwt RS256: PEM public key or certificate')
    .option('--jwks-url <url>', 'jwt RS256: where the signing keys are published')
    .option('--issuer <iss>', 'jwt: the iss a token must carry')
    .option('--audience <aud>', 'jwt: the aud a token must contain')
    .option('--no-prompt', 'never prompt; fail when a needed secret is not given')
    .option('--json', 'print the definition (and a made key) as JSON')
    .action(async (name: string, flags: SecurityFlags & { json?: boolean }) => {
      const { createInput } = await import('./security-input.js')
      const input = await createInput(name, flags)
      await withStore(async ({ store }) => {
        const { securityAuditDetail } = await import('../store/index.js')
        const created = await store.security.create(input)
        const def = created.definition
        await store.audit.record({
          actor: 'cli',
          action: 'security.create',
          target: def.name,
          detail: securityAuditDetail(def),
        })
        // A key the operator gave is already theirs: it is not echoed back.
        const shown = input.kind === 'api_key' && input.key ? { definition: def } : created
        printWritten(shown, `security definition '${def.name}' added (${def.kind})`, flags.json)
      })
    })

  security
    .command('edit <name>')
    .description('change a definition in place; what is not given stays (secrets too)')
    .option('--name <new-name>', 'rename it')
    .option('--username <name>', 'basic: the user name')
    .option('--password-env <VAR>', 'basic: a new password from this variable')
    .option('--algorithm <alg>', 'jwt: HS256 or RS256')
    .option('--secret-env <VAR>', 'jwt HS256: a new shared secret from this variable')
    .option('--public-key-file <file>', 'jwt RS256: a new PEM public key or certificate')
    .option('--jwks-url <url>', 'jwt RS256: a new JWKS URL (instead of a public key)')
    .option('--issuer <iss>', 'jwt: the iss a token must carry')
    .option('--no-issuer', 'jwt: stop checking iss')
    .option('--audience <aud>', 'jwt: the aud a token must contain')
    .option('--no-audience', 'jwt: stop checking aud')
    .action(async (name: string, flags: SecurityFlags) => {
      const { editChanges } = await import('./security-input.js')
      await withStore(async ({ store }) => {
        const before = await securityByName(store, name)
        const changes = editChanges(before, flags)
        const updated = await store.security.update(before.id, changes)
        const renamed = updated.definition.name !== before.name
        await store.audit.record({
          actor: 'cli',
          action: 'security.update',
          target: before.name,
          detail: {
            id: before.id,
            kind: before.kind,
            // Names only: which secrets changed is worth knowing, their values never leave the store.
            fields: Object.keys(changes).sort(),
            ...(renamed ? { renamedTo: updated.definition.name } : {}),
          },
        })
        console.log(
          `✓ security definition '${updated.definition.name}' updated${renamed ? ` (was '${before.name}')` : ''}`,
        )
      })
    })

  security
    .command('rotate <name>')
    .description('replace the key of an api_key definition; the new key is printed this once')
    .option('--key-env <VAR>', 'use the key in this variable instead of making one')
    .option('--json', 'print the definition (and a made key) as JSON')
    .action(async (name: string, flags: { keyEnv?: string; json?: boolean }) => {
      const key = flags.keyEnv ? secretFromEnv(flags.keyEnv, '--key-env') : undefined
      await withStore(async ({ store }) => {
        const before = await securityByName(store, name)
        if (before.kind !== 'api_key') {
          const how =
            before.kind === 'basic'
              ? `forcebridge security edit '${name}' --password-env VAR`
              : `forcebridge security edit '${name}' --secret-env VAR (or --public-key-file / --jwks-url)`
          throw new ForcebridgeError(
            'INVALID_ARGUMENTS',
            `'${name}' is a ${before.kind} definition and has no API key to rotate; change its credential with: ${how}`,
          )
        }
        const changes = key ? { key } : { rotate: true }
        const rotated = await store.security.update(before.id, changes)
        await store.audit.record({
          actor: 'cli',
          action: 'security.rotate',
          target: before.name,
          detail: { id: before.id, kind: before.kind, fields: Object.keys(changes) },
        })
        const shown = key ? { definition: rotated.definition } : rotated
        printWritten(
          shown,
          `API key of '${before.name}' replaced; the old key is refused from now on`,
          flags.json,
        )
      })
    })

  security
    .command('remove <name>')
    .description('remove a definition; refused while a channel uses it')
    .action(async (name: string) => {
      await withStore(async ({ store }) => {
        const def = await securityByName(store, name)
        try {
          await store.security.remove(def.id)
        } catch (err) {
          if (!hasCode(err, 'SECURITY_IN_USE')) throw err
          throw new ForcebridgeError(
            'SECURITY_IN_USE',
            `security definition '${def.name}': ${err.message} (forcebridge channel edit <METHOD> <path> --security <other> or --no-security)`,
            { cause: err },
          )
        }
        await store.audit.record({
          actor: 'cli',
          action: 'security.delete',
          target: def.name,
          detail: { id: def.id, kind: def.kind },
        })
        console.log(`✓ security definition '${def.name}' removed`)
      })
    })
}
