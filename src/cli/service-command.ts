// `forcebridge service list` and `forcebridge service settings <name>`: the services in the
// services folder, and each one's own settings (shown with secrets hidden, set from flags or
// from environment variables so secret values never pass through argv).
import type { Command } from 'commander'
import type { z } from 'zod'
import type { AnyService, SettingValues } from '../runtime/index.js'
import { ForcebridgeError } from '../util/index.js'
import { withStore } from './cli-context.js'
import { secretFromEnv } from './secret-input.js'
import { cell, formatTable } from './text-table.js'

interface SettingsFlags {
  set?: string[]
  setEnv?: string[]
  unset?: string[]
  services?: string[]
  json?: boolean
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

function splitPair(pair: string, flag: string): [string, string] {
  const at = pair.indexOf('=')
  if (at <= 0) {
    throw new ForcebridgeError(
      'INVALID_ARGUMENTS',
      `${flag} ${pair}: expected <key>=<value>, e.g. ${flag} batchSize=200`,
    )
  }
  return [pair.slice(0, at), pair.slice(at + 1)]
}

/**
 * A value from the command line: the text as it is when the setting's schema takes it (a URL, a
 * name), else its JSON reading (200, true, ["a"]), else the text.
 */
function parseValue(text: string, field: z.ZodType | undefined): unknown {
  let json: unknown
  let isJson = false
  try {
    json = JSON.parse(text)
    isJson = true
  } catch {
    // not JSON: a plain string
  }
  if (field?.safeParse(text).success) return text
  if (isJson && (!field || field.safeParse(json).success)) return json
  return isJson && !field ? json : text
}

function fieldOf(service: AnyService | undefined, key: string): z.ZodType | undefined {
  const shape = (service?.settings as { shape?: Record<string, z.ZodType> } | undefined)?.shape
  return shape?.[key]
}

export function serviceCommand(program: Command): void {
  const service = program.command('service').description('services and their settings')

  service
    .command('list')
    .description('list the services in the services folder')
    .option('--services <folder...>', 'service folders (default: FORCEBRIDGE_HOME/services)')
    .action(async (flags: { services?: string[] }) => {
      const { loadCliServices } = await import('./cli-services.js')
      await withStore(async ({ config }) => {
        const { registry, folders } = await loadCliServices(config, flags.services)
        const rows = registry
          .list()
          .map((r) => [
            r.service.name,
            cell(r.service.description ?? ''),
            r.service.settings ? 'yes' : '',
            r.source ?? '',
          ])
        if (rows.length === 0) {
          console.log(
            `no services in ${folders.join(', ')}; add one with forcebridge deploy <file>`,
          )
          return
        }
        console.log(formatTable(['SERVICE', 'DESCRIPTION', 'SETTINGS', 'FILE'], rows))
      })
    })

  service
    .command('settings <name>')
    .description("show or change a service's own settings (secret values are never shown)")
    .option('--set <key=value>', 'set a value (repeatable); JSON is read as JSON', collect)
    .option(
      '--set-env <key=VAR>',
      'set a value from an environment variable, for secrets (repeatable)',
      collect,
    )
    .option('--unset <key>', 'remove a value (repeatable)', collect)
    .option('--services <folder...>', 'service folders (default: FORCEBRIDGE_HOME/services)')
    .option('--json', 'print the settings view as JSON')
    .action(async (name: string, flags: SettingsFlags) => {
      const { ServiceSettings } = await import('../runtime/index.js')
      const { loadCliServices } = await import('./cli-services.js')
      await withStore(async ({ config, store }) => {
        const { registry } = await loadCliServices(config, flags.services)
        // A service not loaded here (another folder, or not deployed yet) can still be given
        // settings; they are checked against its schema at its first invocation.
        const target = registry.get(name)
        const settings = new ServiceSettings(store.settings, () => store.revision())
        const set: SettingValues = {}
        for (const pair of flags.set ?? []) {
          const [key, text] = splitPair(pair, '--set')
          set[key] = parseValue(text, fieldOf(target, key))
        }
        for (const pair of flags.setEnv ?? []) {
          const [key, variable] = splitPair(pair, '--set-env')
          set[key] = parseValue(secretFromEnv(variable, '--set-env'), fieldOf(target, key))
        }
        const changing = Object.keys(set).length > 0 || (flags.unset?.length ?? 0) > 0
        if (changing) {
          await settings.update(name, { set, unset: flags.unset ?? [] }, target)
          await store.audit.record({
            actor: 'cli',
            action: 'service.settings',
            target: name,
            detail: { set: Object.keys(set), unset: flags.unset ?? [] },
          })
        }
        const view = await settings.view(name, target)
        if (flags.json) {
          console.log(JSON.stringify(view, null, 2))
          return
        }
        if (view.length === 0) {
          console.log(
            `service '${name}' has no settings${target ? '' : ' (it is not in the services folder)'}`,
          )
          return
        }
        const rows = view.map((v) => [
          v.key,
          !v.set ? '(not set)' : v.secret ? '(secret, set)' : cell(v.value),
          v.declared ? (v.description ?? '') : '(not in the schema)',
        ])
        console.log(formatTable(['KEY', 'VALUE', 'ABOUT'], rows))
      })
    })
}
