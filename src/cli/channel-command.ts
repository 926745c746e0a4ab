// `forcebridge channel list|add|edit|remove`: REST channels in the store the server reads, named
// by method and path as a caller sees them, with the security definition by name and the limits
// in operator units. Every change is audited (actor 'cli'), as the admin API does.
import type { Command } from 'commander'
import type { ChannelInfo, ChannelInput, Store } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'
import { withStore } from './cli-context.js'
import { formatLimits, parseRate, parseSize, parseTimeout } from './channel-limits.js'
import { securityByName } from './security-lookup.js'
import { formatTable } from './text-table.js'

interface LimitFlags {
  rate?: string | false
  timeout?: string | false
  maxBody?: string | false
}

interface EditFlags extends LimitFlags {
  method?: string
  path?: string
  service?: string
  security?: string | false
  public?: boolean
}

/**
 * The security a channel gets from --security and --public: a definition's name, or null
 * (open) only when --public says so, since an open channel runs its service for anyone.
 */
function securityChoice(
  channel: string,
  security: string | false | undefined,
  open: boolean | undefined,
  adding: boolean,
): string | null | undefined {
  if (typeof security === 'string' && open) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `${channel}: give --security <definition> or --public, not both`,
    )
  }
  if (typeof security === 'string') return security
  if (open) return null
  if (adding) {
    throw new ForcebridgeError(
      'SECURITY_REQUIRED',
      `${channel} would be open to anyone: give --security <definition> (see: forcebridge security list), or --public if it is meant to be open`,
    )
  }
  if (security === false) {
    throw new ForcebridgeError(
      'SECURITY_REQUIRED',
      `removing the security of ${channel} opens it to anyone: add --public to say it is meant to be open`,
    )
  }
  return undefined
}

async function findChannel(store: Store, method: string, path: string): Promise<ChannelInfo> {
  const found = await store.channels.find(method, path)
  if (!found) {
    throw new ForcebridgeError(
      'CHANNEL_NOT_FOUND',
      `no channel ${method.toUpperCase()} ${path}; see: forcebridge channel list`,
    )
  }
  return found
}

/** The limits given as flags: a value sets one, `--no-…` (false) clears it, absent keeps it. */
function limitChanges(flags: LimitFlags): Partial<ChannelInput> {
  const changes: Partial<ChannelInput> = {}
  if (flags.rate !== undefined) changes.rateLimit = flags.rate ? parseRate(flags.rate) : null
  if (flags.timeout !== undefined)
    changes.timeoutMs = flags.timeout ? parseTimeout(flags.timeout) : null
  if (flags.maxBody !== undefined)
    changes.maxBodyBytes = flags.maxBody ? parseSize(flags.maxBody) : null
  return changes
}

function limitOptions(cmd: Command, clearable: boolean): Command {
  cmd
    .option('--rate <n/seconds>', 'at most n calls per window over all callers, e.g. 20/60s')
    .option('--timeout <ms>', "the service's time budget per call in ms, e.g. 5000")
    .option('--max-body <size>', 'largest request body: bytes, KiB or MiB, e.g. 64KiB')
  if (clearable) {
    cmd
      .option('--no-rate', 'remove the rate limit')
      .option('--no-timeout', "remove the timeout (the service's own applies)")
      .option('--no-max-body', 'remove the body limit (the server default, 1 MiB, applies)')
  }
  return cmd
}

export function channelCommand(program: Command): void {
  const channel = program
    .command('channel')
    .description('manage REST channels: method and path → service, with security and limits')

  channel
    .command('list')
    .description('list channels with their security definition and limits')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withStore(async ({ store }) => {
        const names = new Map((await store.security.list()).map((d) => [d.id, d.name]))
        const all = (await store.channels.list()).map((c) => ({
          ...c,
          securityDefinitionName: c.securityDefinitionId
            ? (names.get(c.securityDefinitionId) ?? null)
            : null,
        }))
        if (flags.json) return console.log(JSON.stringify(all, null, 2))
        if (all.length === 0) {
          return console.log(
            'no channels; add one with: forcebridge channel add <METHOD> <path> --service <name>',
          )
        }
        const rows = all.map((c) => [
          c.method,
          c.path,
          c.service,
          c.securityDefinitionName ?? '(open)',
          formatLimits(c),
        ])
        console.log(formatTable(['METHOD', 'PATH', 'SERVICE', 'SECURITY', 'LIMITS'], rows))
      })
    })

  limitOptions(
    channel
      .command('add <METHOD> <path>')
      .description('add a channel, e.g. channel add POST /orders/:id --service orders.sync')
      .requiredOption('--service <name>', 'the service each call runs')
      .option('--security <definition>', 'name of the security definition that guards it')
      .option('--public', 'open to anyone, with no security definition (say so deliberately)'),
    false,
  ).action(
    async (
      method: string,
      path: string,
      flags: LimitFlags & { service: string; security?: string; public?: boolean },
    ) => {
      const name = securityChoice(
        `channel ${method.toUpperCase()} ${path}`,
        flags.security,
        flags.public,
        true,
      )
      const limits = limitChanges(flags)
      await withStore(async ({ store }) => {
        const { channelAuditDetail } = await import('../store/index.js')
        const security = name ? await securityByName(store, name) : undefined
        const created = await store.channels.add({
          method,
          path,
          service: flags.service,
          securityDefinitionId: security?.id ?? null,
          ...limits,
        })
        await store.audit.record({
          actor: 'cli',
          action: 'channel.create',
          target: `${created.method} ${created.path}`,
          detail: channelAuditDetail(created),
        })
        console.log(
          `✓ channel ${created.method} ${created.path} → ${created.service} added (${
            security ? `security '${security.name}'` : 'open to anyone'
          }; limits: ${formatLimits(created)})`,
        )
      })
    },
  )

  limitOptions(
    channel
      .command('edit <METHOD> <path>')
      .description('change a channel in place (its id stays); what is not given stays')
      .option('--method <METHOD>', 'move it to another method')
      .option('--path <path>', 'move it to another path')
      .option('--service <name>', 'run another service')
      .option('--security <definition>', 'guard it with this security definition')
      .option('--public', 'open it to anyone: remove its security definition')
      .option('--no-security', 'remove its security definition (needs --public)'),
    true,
  ).action(async (method: string, path: string, flags: EditFlags) => {
    const changes: Partial<ChannelInput> = limitChanges(flags)
    if (flags.method !== undefined) changes.method = flags.method
    if (flags.path !== undefined) changes.path = flags.path
    if (flags.service !== undefined) changes.service = flags.service
    await withStore(async ({ store }) => {
      const { channelAuditDetail } = await import('../store/index.js')
      const before = await findChannel(store, method, path)
      const security = securityChoice(
        `channel ${before.method} ${before.path}`,
        flags.security,
        flags.public,
        false,
      )
      if (security !== undefined) {
        changes.securityDefinitionId = security ? (await securityByName(store, security)).id : null
      }
      if (Object.keys(changes).length === 0) {
        throw new ForcebridgeError(
          'INVALID_ARGUMENTS',
          `nothing to change on ${before.method} ${before.path}; give --service, --security, --public, --rate, --timeout, --max-body, --method or --path (or their --no-… forms)`,
        )
      }
      const updated = await store.channels.update(before.id, changes)
      const moved = updated.method !== before.method || updated.path !== before.path
      await store.audit.record({
        actor: 'cli',
        action: 'channel.update',
        target: `${before.method} ${before.path}`,
        detail: {
          fields: Object.keys(changes).sort(),
          ...channelAuditDetail(updated),
          ...(moved ? { movedTo: `${updated.method} ${updated.path}` } : {}),
        },
      })
      console.log(
        `✓ channel ${updated.method} ${updated.path} updated${
          moved ? ` (was ${before.method} ${before.path})` : ''
        }; limits: ${formatLimits(updated)}`,
      )
    })
  })

  channel
    .command('remove <METHOD> <path>')
    .description('remove a channel; callers get 404 from the next request on')
    .action(async (method: string, path: string) => {
      await withStore(async ({ store }) => {
        const old = await findChannel(store, method, path)
        await store.channels.remove(old.id)
        await store.audit.record({
          actor: 'cli',
          action: 'channel.delete',
          target: `${old.method} ${old.path}`,
          detail: { id: old.id, service: old.service },
        })
        console.log(`✓ channel ${old.method} ${old.path} removed`)
      })
    })
}
