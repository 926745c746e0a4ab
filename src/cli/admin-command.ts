// `forcebridge admin user add|passwd|remove|list`: the people who sign in to the dashboard and
// the admin API. Passwords come from an environment variable or a hidden prompt, never argv;
// every change is audited with actor 'cli'.
import type { Command } from 'commander'
import type { Store } from '../store/index.js'
import { ForcebridgeError } from '../util/index.js'
import { withStore } from './cli-context.js'
import { canPrompt, promptSecret, secretFromEnv } from './secret-input.js'
import { formatTable } from './text-table.js'

interface PasswordFlags {
  passwordEnv?: string
}

/** The new password: from --password-env, else asked twice on a terminal. */
async function newPassword(name: string, flags: PasswordFlags): Promise<string> {
  if (flags.passwordEnv !== undefined) return secretFromEnv(flags.passwordEnv, '--password-env')
  if (!canPrompt()) {
    throw new ForcebridgeError(
      'MISSING_SECRET',
      `no password for admin user '${name}': give it with --password-env <VAR> (an environment variable holding it), or run on a terminal to be asked`,
    )
  }
  const { MIN_PASSWORD } = await import('../store/index.js')
  const first = (await promptSecret(`Password for '${name}' (${MIN_PASSWORD}+ characters)`)) ?? ''
  const again = (await promptSecret('Same password again')) ?? ''
  if (first !== again) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `the two passwords for admin user '${name}' differ; nothing was changed, run the command again`,
    )
  }
  return first
}

async function existing(store: Store, name: string) {
  const user = await store.adminUsers.find(name)
  if (!user) {
    throw new ForcebridgeError(
      'ADMIN_USER_NOT_FOUND',
      `there is no admin user '${name}'; see: forcebridge admin user list`,
    )
  }
  return user
}

export function adminCommand(program: Command): void {
  const user = program
    .command('admin')
    .description('manage who signs in to the dashboard and the admin API')
    .command('user')
    .description('admin users: add, passwd, remove, list')

  user
    .command('add <username>')
    .description('add an admin user (password from --password-env or a prompt)')
    .option('--password-env <VAR>', 'read the password from this environment variable')
    .action(async (raw: string, flags: PasswordFlags) => {
      const name = raw.trim()
      await withStore(async ({ store }) => {
        if (await store.adminUsers.find(name)) {
          throw new ForcebridgeError(
            'ADMIN_USER_EXISTS',
            `admin user '${name}' already exists; change its password with: forcebridge admin user passwd '${name}'`,
          )
        }
        const created = await store.adminUsers.setPassword(name, await newPassword(name, flags))
        await store.audit.record({
          actor: 'cli',
          action: 'admin_user.create',
          target: created.name,
        })
        console.log(
          `✓ admin user '${created.name}' added; it can sign in to the dashboard at /admin`,
        )
      })
    })

  user
    .command('passwd <username>')
    .description("change an admin user's password (from --password-env or a prompt)")
    .option('--password-env <VAR>', 'read the new password from this environment variable')
    .action(async (raw: string, flags: PasswordFlags) => {
      const name = raw.trim()
      await withStore(async ({ store }) => {
        await existing(store, name)
        const changed = await store.adminUsers.setPassword(name, await newPassword(name, flags))
        await store.audit.record({
          actor: 'cli',
          action: 'admin_user.password_change',
          target: changed.name,
        })
        console.log(`✓ password of admin user '${changed.name}' changed`)
      })
    })

  user
    .command('remove <username>')
    .description('remove an admin user; the last one only with --force')
    .option('--force', 'remove it even when it is the last admin user')
    .action(async (raw: string, flags: { force?: boolean }) => {
      const name = raw.trim()
      await withStore(async ({ store }) => {
        await existing(store, name)
        const last = (await store.adminUsers.list()).length === 1
        if (last && !flags.force) {
          throw new ForcebridgeError(
            'LAST_ADMIN_USER',
            `admin user '${name}' is the last one: without it nobody can sign in to the dashboard; add another first (forcebridge admin user add <name>), or remove it anyway with --force`,
          )
        }
        await store.adminUsers.remove(name)
        await store.audit.record({
          actor: 'cli',
          action: 'admin_user.delete',
          target: name,
          ...(last ? { detail: { last: true } } : {}),
        })
        console.log(
          `✓ admin user '${name}' removed${last ? '; no admin user is left, so nobody can sign in to the dashboard' : ''}`,
        )
      })
    })

  user
    .command('list')
    .description('list admin users (never their passwords)')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withStore(async ({ store }) => {
        const all = await store.adminUsers.list()
        if (flags.json) return console.log(JSON.stringify(all, null, 2))
        if (all.length === 0)
          return console.log('no admin users; add one with: forcebridge admin user add <name>')
        console.log(
          formatTable(
            ['NAME', 'CREATED', 'UPDATED'],
            all.map((u) => [u.name, u.createdAt, u.updatedAt]),
          ),
        )
      })
    })
}
